import type { GuestShutdownMode, GuestSuspendMode } from '../../types/guest-types.js';
import { splitSubcommandArgs } from '../split-subcommand-args.js';
import type { Subcommand } from '../subcommand.js';
import { UsageError } from '../usage-error.js';

/**
 * shutdown [halt|powerdown|reboot]. The agent does not answer on success, so
 * the client waits until a following guest-sync comes back (or the guest drops
 * the connection): an error reply such as a failing shutdown program still surfaces.
 */
export const shutdown: Subcommand = (args) => {
  const { operands } = splitSubcommandArgs(args, [], []);
  const mode = operands[0];
  if (operands.length > 1 || (mode !== undefined && !['halt', 'powerdown', 'reboot'].includes(mode))) {
    throw new UsageError('usage: shutdown [halt|powerdown|reboot]');
  }
  return async (client) => {
    await client.shutdown(mode as GuestShutdownMode | undefined, { wait: 'accepted' });
    return 0;
  };
};

/** suspend disk|ram|hybrid, settled like shutdown. */
export const suspend: Subcommand = (args) => {
  const { operands } = splitSubcommandArgs(args, [], []);
  const mode = operands[0];
  if (operands.length !== 1 || !['disk', 'ram', 'hybrid'].includes(mode as string)) throw new UsageError('usage: suspend disk|ram|hybrid');
  return async (client) => {
    await client.suspend(mode as GuestSuspendMode, { wait: 'accepted' });
    return 0;
  };
};
