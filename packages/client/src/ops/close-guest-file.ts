import type { WireInt } from '../types/guest-types.js';
import type { CommandRunner } from './command-runner.js';

/**
 * The end of every pipelined transfer: let the requests still in flight
 * settle, then guest-file-close. After a failure the close is best effort, so
 * its own error cannot hide the one that ended the transfer.
 */
export async function closeGuestFile(
  runner: CommandRunner,
  handle: WireInt,
  inflight: ReadonlyArray<Promise<unknown>>,
  failed: boolean,
): Promise<void> {
  await Promise.allSettled(inflight);
  const closing = runner.execute('guest-file-close', { handle });
  if (failed) await closing.catch(() => {});
  else await closing;
}
