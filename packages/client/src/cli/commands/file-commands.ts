import { createReadStream, openSync, closeSync } from 'node:fs';
import { splitSubcommandArgs } from '../split-subcommand-args.js';
import type { Subcommand } from '../subcommand.js';
import { UsageError } from '../usage-error.js';
import { writeOut } from '../write-out.js';
import { formatJsonOutput } from '../format/format-json-output.js';

/** cat PATH: streams a guest file to stdout. */
export const cat: Subcommand = (args, ctx) => {
  const { operands } = splitSubcommandArgs(args, [], []);
  if (operands.length !== 1) throw new UsageError('usage: cat PATH');
  const path = operands[0] as string;
  return async (client) => {
    for await (const chunk of client.readFileChunks(path)) await writeOut(ctx.io.stdout, chunk);
    return 0;
  };
};

/** put LOCAL|- REMOTE: writes (replaces) a guest file from a local file or stdin. */
export const put: Subcommand = (args, ctx) => {
  const { operands } = splitSubcommandArgs(args, [], []);
  if (operands.length !== 2) throw new UsageError('usage: put LOCAL|- REMOTE');
  const [local, remote] = operands as [string, string];
  if (local !== '-') {
    // Checked before connecting: a typo should not cost a handshake or create an empty guest file.
    try {
      closeSync(openSync(local, 'r'));
    } catch (err) {
      throw new UsageError(`cannot read ${local}: ${(err as Error).message}`);
    }
  }
  return async (client) => {
    const source = local === '-' ? ctx.io.stdin : createReadStream(local);
    const bytes = await client.writeFile(remote, source as AsyncIterable<Buffer>);
    if (ctx.json) await writeOut(ctx.io.stdout, formatJsonOutput({ path: remote, bytes }));
    return 0;
  };
};
