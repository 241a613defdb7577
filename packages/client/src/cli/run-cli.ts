import { QgaClient } from '../client/qga-client.js';
import { parseAddress } from '../address/parse-address.js';
import { QgaClientError } from '../errors/qga-client-error.js';
import { QgaConnectionError } from '../errors/qga-connection-error.js';
import { QgaProtocolError } from '../errors/qga-protocol-error.js';
import { QgaTimeoutError } from '../errors/qga-timeout-error.js';
import type { CliIo } from './cli-io.js';
import { SUBCOMMANDS } from './commands/subcommands.js';
import { EXIT } from './exit-codes.js';
import { loadClientOptions } from './load-client-options.js';
import { parseCommandLine } from './parse-command-line.js';
import { USAGE } from './usage.js';
import { UsageError } from './usage-error.js';

/** Runs qga-client with the given arguments; resolves with the exit status. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let client: QgaClient | undefined;
  try {
    const line = parseCommandLine(argv);
    if (line.global.help || line.command === 'help') {
      io.stdout.write(USAGE);
      return EXIT.ok;
    }
    if (line.command === undefined) throw new UsageError('no command given');
    const subcommand = SUBCOMMANDS[line.command];
    if (subcommand === undefined) throw new UsageError(`unknown command '${line.command}'`);
    const setup = loadClientOptions(line.global, io);
    let address;
    try {
      address = parseAddress(setup.address);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const run = await subcommand(line.args, { io, json: line.global.json });
    client = await QgaClient.connect(address, setup.options);
    return await run(client);
  } catch (err) {
    return report(err, io);
  } finally {
    await client?.close();
  }
}

function report(err: unknown, io: CliIo): number {
  if (err instanceof UsageError) {
    io.stderr.write(`qga-client: ${err.message}\nTry 'qga-client --help'.\n`);
    return EXIT.usage;
  }
  if (err instanceof QgaClientError) {
    io.stderr.write(`error: ${err.errorClass}: ${err.desc}\n`);
    return EXIT.agentError;
  }
  if (err instanceof QgaConnectionError) {
    io.stderr.write(`error: connection: ${err.message}\n`);
    return EXIT.connection;
  }
  if (err instanceof QgaTimeoutError) {
    io.stderr.write(`error: timeout: ${err.message}\n`);
    return EXIT.timeout;
  }
  if (err instanceof QgaProtocolError) {
    io.stderr.write(`error: protocol: ${err.message}\n`);
    return EXIT.agentError;
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EPIPE') return EXIT.ok;
  io.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  return EXIT.usage;
}
