import type { FsTrimPort, GuestFilesystemTrimResult } from '@qga/core';
import { inject, injectable, optional } from 'inversify';
import { fsFreezeOptions, type FsFreezeOptions } from './fsfreeze-options.js';
import { ioctlFailure, trimErrorText } from './ioctl-failure.js';
import { LINUX_TOKENS } from '../tokens.js';

/**
 * FITRIM per local mount as qemu-ga issues it (start 0, whole length,
 * `minimum`), no helper process. `minimum` in a result is what the kernel
 * wrote back (it may raise it to the device's granularity), as upstream
 * reports. Results come in reverse mount order, as upstream builds them by
 * prepending.
 */
@injectable()
export class LinuxFsTrim implements FsTrimPort {
  private readonly opts: FsFreezeOptions;

  constructor(@inject(LINUX_TOKENS.FsFreezeOptions) @optional() options?: Partial<FsFreezeOptions>) {
    this.opts = fsFreezeOptions(options);
  }

  /** `mountpoints` (not in the port) limits the walk to those mount directories, like freeze-list. */
  async trim(minimum: bigint, mountpoints?: readonly string[]): Promise<GuestFilesystemTrimResult[]> {
    const mounts = await this.opts.mountList();
    const results: GuestFilesystemTrimResult[] = [];
    for (const m of mounts) {
      if (mountpoints !== undefined && !mountpoints.includes(m.dirname)) continue;
      try {
        const r = await this.opts.ioctls.trim(m.dirname, minimum);
        results.unshift({ path: m.dirname, trimmed: r.trimmed, minimum: r.minimum });
      } catch (e) {
        results.unshift({ path: m.dirname, error: trimErrorText(ioctlFailure(e)) });
      }
    }
    return results;
  }
}
