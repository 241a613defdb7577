import type { ShutdownMode } from '@qga/core';

/** SHTDN_REASON_FLAG_PLANNED | SHTDN_REASON_MAJOR_OTHER | SHTDN_REASON_MINOR_OTHER. */
export const SHUTDOWN_REASON = 0x80000000;

/** InitiateSystemShutdownExW's arguments for a mode (pure). Windows has no halt without power-off: both power off. */
export interface ShutdownCall {
  readonly message: string;
  readonly timeout: number;
  readonly force: boolean;
  readonly reboot: boolean;
  readonly reason: number;
}

export function shutdownCall(mode: ShutdownMode): ShutdownCall {
  // force: applications are closed without asking, as qemu-ga's EWX_FORCE.
  return { message: 'hypervisor initiated shutdown', timeout: 0, force: true, reboot: mode === 'reboot', reason: SHUTDOWN_REASON };
}
