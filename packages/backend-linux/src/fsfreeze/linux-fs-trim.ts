import type { FsTrimPort, GuestFilesystemTrimResult } from '@qga/core';
import { inject, injectable, optional } from 'inversify';
import { runCommand } from '../exec/run-command.js';
import { FSFREEZE_OPTIONS, fsFreezeOptions, type FsFreezeOptions } from './fsfreeze-options.js';
import { fstrimOutcome } from './fstrim-result.js';

/**
 * FITRIM through util-linux `fstrim -v -o 0 -m <minimum>` per local mount
 * (same reasoning as LinuxFsFreeze). `minimum` in a result is the requested
 * minimum: the tool does not report the value the kernel may have raised it to.
 * Results come in reverse mount order, as upstream builds them by prepending.
 */
@injectable()
export class LinuxFsTrim implements FsTrimPort {
  private readonly opts: FsFreezeOptions;

  constructor(@inject(FSFREEZE_OPTIONS) @optional() options?: Partial<FsFreezeOptions>) {
    this.opts = fsFreezeOptions(options);
  }

  /** `mountpoints` (not in the port) limits the walk to those mount directories, like freeze-list. */
  async trim(minimum: bigint, mountpoints?: readonly string[]): Promise<GuestFilesystemTrimResult[]> {
    const mounts = await this.opts.mountList();
    const results: GuestFilesystemTrimResult[] = [];
    for (const m of mounts) {
      if (mountpoints !== undefined && !mountpoints.includes(m.dirname)) continue;
      const r = await runCommand([this.opts.fstrim, '-v', '-o', '0', '-m', minimum.toString(), m.dirname], { env: this.opts.env });
      const o = fstrimOutcome(r.exitCode, r.output);
      results.unshift('error' in o ? { path: m.dirname, error: o.error } : { path: m.dirname, trimmed: o.trimmed, minimum });
    }
    return results;
  }
}
