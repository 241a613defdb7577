import type { ExitStatus } from '@qga/core';

/**
 * A Windows exit status (pure): codes ≥ 0xC0000000 are NTSTATUS exceptions
 * (access violation, …) that qemu-ga reports as `signal`; others are exit codes.
 * A process killed through Node (TerminateProcess) reports the signal's number.
 */
export function exitStatusOf(code: number | null, signal: NodeJS.Signals | null): ExitStatus {
  if (code === null) return { signal: signal === 'SIGKILL' ? 9 : 15 };
  const unsigned = code >>> 0;
  return unsigned >= 0xc0000000 ? { signal: unsigned } : { exitcode: code };
}
