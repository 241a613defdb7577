import { parseReply } from '../../protocol/parse-reply.js';
import { readAll } from '../read-all.js';
import { EXIT } from '../exit-codes.js';
import type { Subcommand } from '../subcommand.js';
import { unfinishedJson } from '../unfinished-json.js';
import { UsageError } from '../usage-error.js';
import { writeOut } from '../write-out.js';

/**
 * raw '<json>' | raw -: sends text verbatim and prints every reply line
 * exactly as received; exits 2 when any reply is an error. An unfinished
 * request is refused before sending: the agent would wait for the rest.
 */
export const raw: Subcommand = async (args, ctx) => {
  const operands = args[0] === '--' ? args.slice(1) : args;
  if (operands.length !== 1) throw new UsageError("usage: raw '<json>' | raw -");
  const text = operands[0] === '-' ? (await readAll(ctx.io.stdin)).toString('utf8') : (operands[0] as string);
  if (text.trim().length === 0) throw new UsageError('raw: nothing to send');
  const unfinished = unfinishedJson(text);
  if (unfinished !== undefined) throw new UsageError(`raw: the request is incomplete: ${unfinished}`);
  return async (client) => {
    const lines = await client.executeRaw(text);
    // latin1 gives back the exact bytes the agent sent.
    for (const line of lines) await writeOut(ctx.io.stdout, Buffer.from(`${line}\n`, 'latin1'));
    return lines.some((line) => parseReply(line)?.error !== undefined) ? EXIT.agentError : EXIT.ok;
  };
};
