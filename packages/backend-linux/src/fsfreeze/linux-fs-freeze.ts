import type { FsFreezePort } from '@qga/core';
import { QgaError } from '@qga/core';
import { inject, injectable, optional } from 'inversify';
import type { FsMount } from '../mounts/fs-mount.js';
import { fsFreezeOptions, type FsFreezeOptions } from './fsfreeze-options.js';
import { ioctlFailure } from './ioctl-failure.js';
import { LINUX_TOKENS } from '../tokens.js';

/** FITHAW is repeated until it fails; this only bounds a kernel that never says no. */
const MAX_THAW_ROUNDS = 16;

/**
 * FIFREEZE / FITHAW as qemu-ga issues them: the mount point opened O_RDONLY,
 * one ioctl, in reverse mount order for freeze. No helper process (nothing is
 * spawned while the guest is frozen); each ioctl runs off the event loop, as a
 * freeze first syncs the filesystem.
 */
@injectable()
export class LinuxFsFreeze implements FsFreezePort {
  private readonly opts: FsFreezeOptions;

  constructor(@inject(LINUX_TOKENS.FsFreezeOptions) @optional() options?: Partial<FsFreezeOptions>) {
    this.opts = fsFreezeOptions(options);
  }

  async freeze(mountpoints?: readonly string[]): Promise<number> {
    const mounts = await this.opts.mountList();
    const frozen: FsMount[] = [];
    for (const m of [...mounts].reverse()) {
      if (mountpoints !== undefined && !mountpoints.includes(m.dirname)) continue;
      try {
        await this.opts.ioctls.freeze(m.dirname);
        frozen.push(m);
      } catch (e) {
        const f = ioctlFailure(e);
        // Not freezable (EOPNOTSUPP) or already frozen through another mount (EBUSY): not counted, not fatal.
        if (f.stage === 'ioctl' && (f.errno === 'EOPNOTSUPP' || f.errno === 'ENOTSUP' || f.errno === 'EBUSY')) continue;
        await this.thawMounts(frozen.reverse());
        throw new QgaError(`${f.stage === 'open' ? 'failed to open' : 'failed to freeze'} ${m.dirname}: ${f.reason}`);
      }
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
        try {
          await this.opts.ioctls.thaw(m.dirname);
        } catch {
          break;
        }
        thawed = true;
      }
      if (thawed) count++;
    }
    return count;
  }
}
