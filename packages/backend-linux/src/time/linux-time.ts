import type { TimePort } from '@qga/core';
import { QgaError } from '@qga/core';
import { errorText } from '@qga/core/internal';
import { inject, injectable, optional } from 'inversify';
import { runChecked } from '../exec/run-command.js';
import { timeOptions, type TimeOptions } from './time-options.js';
import { WallClock } from './wall-clock.js';
import { LINUX_TOKENS } from '../tokens.js';

/**
 * guest-get-time / guest-set-time on Linux, as qemu-ga: settimeofday(2) with
 * microsecond resolution (through the native layer, no `date` helper), then
 * `hwclock -w` to copy the clock to the RTC; without a time, `hwclock -s`.
 * hwclock is time-limited. As upstream, a failing hwclock is reported
 * although the system clock has already been changed (documented upstream quirk).
 */
@injectable()
export class LinuxTime implements TimePort {
  private readonly opts: TimeOptions;
  private readonly clock = new WallClock();

  constructor(@inject(LINUX_TOKENS.TimeOptions) @optional() options?: Partial<TimeOptions>) {
    this.opts = timeOptions(options);
  }

  now(): bigint {
    return this.clock.nowNs();
  }

  async setTime(ns?: bigint): Promise<void> {
    if (ns !== undefined) {
      try {
        this.opts.setClock(ns);
      } catch (e) {
        // EPERM → "Operation not permitted" (error_setg_errno's form); a missing native layer says so.
        throw new QgaError(`Failed to set time to guest: ${errorText(e)}`);
      }
    }
    await runChecked([this.opts.hwclock, ns !== undefined ? '-w' : '-s'], 'set hardware clock to system time', { env: this.opts.env });
  }
}
