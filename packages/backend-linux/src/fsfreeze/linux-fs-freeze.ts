import type { FsFreezePort } from '@qga/core';
import { QgaError } from '@qga/core';
import { inject, injectable, optional } from 'inversify';
import { runCommand } from '../exec/run-command.js';
import type { FsMount } from '../mounts/fs-mount.js';
import { FSFREEZE_OPTIONS, fsFreezeOptions, type FsFreezeOptions } from './fsfreeze-options.js';
import { parseToolFailure } from './tool-failure.js';

/** FITHAW is repeated until it fails; this only bounds a kernel that never says no. */
const MAX_THAW_ROUNDS = 16;

/**
 * FIFREEZE / FITHAW through util-linux `fsfreeze`, one run per mount.
 *
 * Why a tool and not an addon: the ioctls need an fd on the mount point and
 * Node has no ioctl(); `fsfreeze` is in util-linux (and busybox), present on
 * every guest that can run the agent, and its LC_ALL=C diagnostics end in the
 * glibc strerror text, which maps back to the errno exactly (EOPNOTSUPP and
 * EBUSY are skippable, the rest is an error). A child process also keeps a
 * slow freeze (it syncs the filesystem first) off the event loop. Runs are not
 * time-limited: abandoning a freeze in progress would leave the filesystem in
 * an unknown state.
 */
@injectable()
export class LinuxFsFreeze implements FsFreezePort {
  private readonly opts: FsFreezeOptions;

  constructor(@inject(FSFREEZE_OPTIONS) @optional() options?: Partial<FsFreezeOptions>) {
    this.opts = fsFreezeOptions(options);
  }

  async freeze(mountpoints?: readonly string[]): Promise<number> {
    const mounts = await this.opts.mountList();
    const frozen: FsMount[] = [];
    for (const m of [...mounts].reverse()) {
      if (mountpoints !== undefined && !mountpoints.includes(m.dirname)) continue;
      const r = await runCommand([this.opts.fsfreeze, '--freeze', m.dirname], { env: this.opts.env });
      if (r.exitCode === 0) {
        frozen.push(m);
        continue;
      }
      const f = parseToolFailure(r.output);
      // Not freezable (EOPNOTSUPP) or already frozen through another mount (EBUSY): not counted, not fatal.
      if (f.stage === 'ioctl' && (f.errno === 'EOPNOTSUPP' || f.errno === 'ENOTSUP' || f.errno === 'EBUSY')) continue;
      await this.thawMounts(frozen.reverse());
      throw new QgaError(`${f.stage === 'open' ? 'failed to open' : 'failed to freeze'} ${m.dirname}: ${f.reason}`);
    }
    return frozen.length;
  }

  async thaw(): Promise<number> {
    return this.thawMounts(await this.opts.mountList());
  }

  /** FITHAW each mount until it fails; count the mounts where at least one succeeded. */
  private async thawMounts(mounts: readonly FsMount[]): Promise<number> {
    let count = 0;
    for (const m of mounts) {
      let thawed = false;
      for (let round = 0; round < MAX_THAW_ROUNDS; round++) {
        const r = await runCommand([this.opts.fsfreeze, '--unfreeze', m.dirname], { env: this.opts.env });
        if (r.exitCode !== 0) break;
        thawed = true;
      }
      if (thawed) count++;
    }
    return count;
  }
}
