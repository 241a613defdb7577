import { parseJson } from '../../json/parse-json.js';
import type { JsonObject } from '../../json/json-value.js';
import { formatJsonOutput } from '../format/format-json-output.js';
import { splitSubcommandArgs } from '../split-subcommand-args.js';
import type { Subcommand } from '../subcommand.js';
import { UsageError } from '../usage-error.js';
import { writeOut } from '../write-out.js';

/**
 * call COMMAND ['<json arguments>']: runs any command through the normal
 * request path and prints its return value as JSON (agent errors exit 2).
 */
export const call: Subcommand = (args, ctx) => {
  const { operands } = splitSubcommandArgs(args, [], []);
  const [command, argText] = operands;
  if (command === undefined || operands.length > 2) throw new UsageError("usage: call COMMAND ['<json arguments>']");
  let commandArgs: JsonObject | undefined;
  if (argText !== undefined) {
    let parsed;
    try {
      parsed = parseJson(argText);
    } catch (err) {
      throw new UsageError(`call: arguments are not valid JSON: ${(err as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new UsageError('call: arguments must be a JSON object');
    commandArgs = parsed;
  }
  return async (client) => {
    // Commands without a success reply settle once a following sync proves they ran.
    const result = await client.execute(command, commandArgs, { wait: 'accepted' });
    await writeOut(ctx.io.stdout, formatJsonOutput(result));
    return 0;
  };
};
