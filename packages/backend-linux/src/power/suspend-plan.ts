import type { SuspendMode } from '@qga/core';

/** Names each suspend strategy uses for a mode (docs/commands.md#guest-suspend). */
export interface SuspendNames {
  /** `systemctl status systemd-<x>` probes, `systemctl <x>` acts. */
  readonly systemd: string;
  /** `pm-is-supported <flag>` probes. */
  readonly pmFlag: string;
  /** pm-utils program that acts. */
  readonly pmProgram: string;
  /** Word written to /sys/power/state; hybrid has none. */
  readonly sysfs: string | undefined;
}

export function suspendNames(mode: SuspendMode): SuspendNames {
  switch (mode) {
    case 'disk':
      return { systemd: 'hibernate', pmFlag: '--hibernate', pmProgram: 'pm-hibernate', sysfs: 'disk' };
    case 'ram':
      return { systemd: 'suspend', pmFlag: '--suspend', pmProgram: 'pm-suspend', sysfs: 'mem' };
    case 'hybrid':
      return { systemd: 'hybrid-sleep', pmFlag: '--suspend-hybrid', pmProgram: 'pm-suspend-hybrid', sysfs: undefined };
  }
}
