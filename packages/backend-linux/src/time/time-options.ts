import type { HelperEnv } from '../exec/run-command.js';
import { DEFAULT_HELPER_ENV } from '../exec/run-command.js';

/** Tunables of LinuxTime (bind under TIME_OPTIONS; tests point both programs at doubles). */
export interface TimeOptions {
  /** GNU date, used as `date -u -s @<sec>.<usec>` (Node has no settimeofday). */
  readonly date: string;
  /** `hwclock -w` / `hwclock -s`; upstream runs /sbin/hwclock. */
  readonly hwclock: string;
  readonly env: HelperEnv;
}

export const TIME_OPTIONS = Symbol.for('qga.linux.TimeOptions');

export function timeOptions(o: Partial<TimeOptions> | undefined): TimeOptions {
  return {
    date: o?.date ?? 'date',
    hwclock: o?.hwclock ?? '/sbin/hwclock',
    env: o?.env ?? { ...DEFAULT_HELPER_ENV, timeoutMs: 30_000 },
  };
}
