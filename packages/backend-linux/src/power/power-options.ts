import type { HelperEnv } from '../exec/run-command.js';
import { DEFAULT_HELPER_ENV } from '../exec/run-command.js';

/** Tunables of LinuxPower (bind under LINUX_TOKENS.PowerOptions to override; tests point everything at doubles). */
export interface PowerOptions {
  /** Where qemu-ga's first choice lives: `<sbinDir>/poweroff|halt|reboot`, else `<sbinDir>/shutdown`. */
  readonly sbinDir: string;
  /** PATH for the fallbacks (systemctl, loginctl, shutdown, poweroff -f, pm-utils) and the per-helper timeout. */
  readonly env: HelperEnv;
  /** Allow the forced last resorts (`poweroff -f`, then sysrq) when every orderly way failed. */
  readonly forceFallback: boolean;
  /** sysrq trigger file; undefined disables the sysrq last resort. */
  readonly sysrqTrigger: string | undefined;
  /** Pause after the sysrq emergency sync and remount-read-only requests, which the kernel runs asynchronously. */
  readonly sysrqSettleMs: number;
  /** The sysfs suspend file. */
  readonly sysPowerState: string;
  /** A write to /sys/power/state returns only after resume; an error within this window is reported, later ones are not. */
  readonly sysfsSuspendGraceMs: number;
}

export function powerOptions(o: Partial<PowerOptions> | undefined): PowerOptions {
  return {
    sbinDir: o?.sbinDir ?? '/sbin',
    env: o?.env ?? { ...DEFAULT_HELPER_ENV, timeoutMs: 15_000 },
    forceFallback: o?.forceFallback ?? true,
    sysrqTrigger: o && 'sysrqTrigger' in o ? o.sysrqTrigger : '/proc/sysrq-trigger',
    sysrqSettleMs: o?.sysrqSettleMs ?? 2_000,
    sysPowerState: o?.sysPowerState ?? '/sys/power/state',
    sysfsSuspendGraceMs: o?.sysfsSuspendGraceMs ?? 1_000,
  };
}
