import type { TimePort } from '@qga/core';
import { errnoFromMessage, QgaError } from '@qga/core';
import { inject, injectable, optional } from 'inversify';
import { runChecked, runCommand } from '../exec/run-command.js';
import { TIME_OPTIONS, timeOptions, type TimeOptions } from './time-options.js';
import { WallClock } from './wall-clock.js';

/** `@<seconds>.<microseconds>` for date(1): settimeofday has microsecond resolution, so does this. */
export function dateArgument(ns: bigint): string {
  const usecTotal = ns >= 0n ? ns / 1000n : -((-ns + 999n) / 1000n); // floor to whole microseconds
  const sec = usecTotal >= 0n ? usecTotal / 1_000_000n : -((-usecTotal + 999_999n) / 1_000_000n);
  const usec = usecTotal - sec * 1_000_000n;
  return `@${sec}.${usec.toString().padStart(6, '0')}`;
}

/**
 * guest-get-time / guest-set-time on Linux. The clock is set by `date -u -s`
 * (there is no settimeofday in Node; an addon for one call was not worth it),
 * then copied to the RTC with `hwclock -w`; without a time, `hwclock -s`.
 * Both helpers are time-limited. As upstream, a failing hwclock is reported
 * although the system clock has already been changed (spec §7.2: documented).
 */
@injectable()
export class LinuxTime implements TimePort {
  private readonly opts: TimeOptions;
  private readonly clock = new WallClock();

  constructor(@inject(TIME_OPTIONS) @optional() options?: Partial<TimeOptions>) {
    this.opts = timeOptions(options);
  }

  now(): bigint {
    return this.clock.nowNs();
  }

  async setTime(ns?: bigint): Promise<void> {
    const env = this.opts.env;
    if (ns !== undefined) {
      const r = await runCommand([this.opts.date, '-u', '-s', dateArgument(ns)], { env });
      if (r.exitCode !== 0 || r.timedOut) {
        const why = r.timedOut ? `timed out after ${env.timeoutMs} ms` : (dateFailureReason(r.output) ?? (r.output.trim() || `exit status ${r.exitCode ?? r.signal}`));
        throw new QgaError(`Failed to set time to guest: ${why}`);
      }
    }
    await runChecked([this.opts.hwclock, ns !== undefined ? '-w' : '-s'], 'set hardware clock to system time', { env });
  }
}

/**
 * `date: cannot set date: Operation not permitted` → the strerror part, as
 * upstream's error_setg_errno shows it. GNU date still prints the date on
 * stdout after the failure, so look at every line.
 */
function dateFailureReason(output: string): string | undefined {
  for (const line of output.split('\n')) {
    const cut = line.lastIndexOf(': ');
    const tail = cut >= 0 ? line.slice(cut + 2).trim() : '';
    if (errnoFromMessage(tail) !== undefined) return tail;
  }
  return undefined;
}
