import type { JsonValue } from '../../json/json-value.js';
import { formatFstrim } from '../format/format-fstrim.js';
import { formatJsonOutput } from '../format/format-json-output.js';
import { splitSubcommandArgs } from '../split-subcommand-args.js';
import type { Subcommand } from '../subcommand.js';
import { UsageError } from '../usage-error.js';
import { writeOut } from '../write-out.js';

/** fstrim [MINIMUM]: discards unused blocks on every guest filesystem. */
export const fstrim: Subcommand = (args, ctx) => {
  const { operands } = splitSubcommandArgs(args, [], []);
  if (operands.length > 1 || (operands[0] !== undefined && !/^\d+$/.test(operands[0]))) throw new UsageError('usage: fstrim [MINIMUM]');
  const minimum = operands[0] === undefined ? undefined : BigInt(operands[0]);
  return async (client) => {
    const result = await client.fstrim(minimum);
    await writeOut(ctx.io.stdout, ctx.json ? formatJsonOutput(result as unknown as JsonValue) : formatFstrim(result));
    return 0;
  };
};
