import { constants } from 'node:os';
import type { ExitStatus } from '@qga/core';

/** child_process reports a signal by name; the protocol wants its number. */
export function exitStatusOf(code: number | null, signal: NodeJS.Signals | null): ExitStatus {
  if (signal !== null) {
    const num = (constants.signals as Record<string, number | undefined>)[signal];
    if (num !== undefined) return { signal: num };
  }
  return { exitcode: code ?? 0 };
}
