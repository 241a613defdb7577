import { setSystemTime } from '@qga/native-linux';
import type { HelperEnv } from '../exec/run-command.js';
import { DEFAULT_HELPER_ENV } from '../exec/run-command.js';

/** Tunables of LinuxTime (bind under LINUX_TOKENS.TimeOptions; tests point hwclock at a double). */
export interface TimeOptions {
  /** Sets the system clock (default: settimeofday(2) through the native layer); throws a system error with `code`. */
  readonly setClock: (ns: bigint) => void;
  /** `hwclock -w` / `hwclock -s`; upstream runs /sbin/hwclock (util-linux and busybox have it). */
  readonly hwclock: string;
  readonly env: HelperEnv;
}

export function timeOptions(o: Partial<TimeOptions> | undefined): TimeOptions {
  return {
    setClock: o?.setClock ?? setSystemTime,
    hwclock: o?.hwclock ?? '/sbin/hwclock',
    env: o?.env ?? { ...DEFAULT_HELPER_ENV, timeoutMs: 30_000 },
  };
}
