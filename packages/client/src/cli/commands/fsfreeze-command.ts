import { formatJsonOutput } from '../format/format-json-output.js';
import { splitSubcommandArgs } from '../split-subcommand-args.js';
import type { Subcommand } from '../subcommand.js';
import { UsageError } from '../usage-error.js';
import { writeOut } from '../write-out.js';

/** fsfreeze status|freeze|thaw [MOUNTPOINT...] (mountpoints only with freeze). */
export const fsfreeze: Subcommand = (args, ctx) => {
  const { operands } = splitSubcommandArgs(args, [], []);
  const [action, ...mountpoints] = operands;
  if (action !== 'status' && action !== 'freeze' && action !== 'thaw')
    throw new UsageError('usage: fsfreeze status|freeze|thaw [MOUNTPOINT...]');
  if (mountpoints.length > 0 && action !== 'freeze') throw new UsageError('only freeze takes mountpoints');
  return async (client) => {
    const result = action === 'freeze' && mountpoints.length > 0 ? await client.fsfreezeList(mountpoints) : await client.fsfreeze(action);
    await writeOut(ctx.io.stdout, ctx.json ? formatJsonOutput(result) : `${result}\n`);
    return 0;
  };
};
