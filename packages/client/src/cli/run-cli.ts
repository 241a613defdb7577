import { readFileSync } from 'node:fs';
import { QgaClient } from '../client/qga-client.js';
import type { JsonObject } from '../json/json-value.js';
import { formatJsonOutput } from './format/format-json-output.js';
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
  // Known before parsing, so even a bad command line is reported as JSON.
  let json = argv.includes('--json');
  let hint: string | undefined;
  try {
    const line = parseCommandLine(argv);
    json = line.global.json;
    if (line.global.help || line.command === 'help') {
      io.stdout.write(USAGE);
      return EXIT.ok;
    }
    if (line.global.version) {
      io.stdout.write(`qga-client ${clientVersion()}\n`);
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
    if (address.kind === 'tcp') {
      hint =
        setup.options.sharedSecret === undefined
          ? 'if the agent requires a shared secret, give it with --shared-secret-file FILE'
          : 'check that --shared-secret-file holds the secret the agent was started with';
    }
    client = await QgaClient.connect(address, setup.options);
    return await run(client);
  } catch (err) {
    return report(err, io, json, hint);
  } finally {
    await client?.close();
  }
}

/** Replaced by the single-executable bundler (packages/client/build.mjs `define`). */
declare const __QGA_CLIENT_VERSION__: string | undefined;

/** The package's version, from its package.json (two levels above dist/src/cli). */
function clientVersion(): string {
  if (typeof __QGA_CLIENT_VERSION__ === 'string') return __QGA_CLIENT_VERSION__;
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

interface Failure {
  readonly status: number;
  /** usage | agent | connection | timeout | protocol | local */
  readonly kind: string;
  readonly text: string;
  readonly error?: JsonObject;
}

function classify(err: unknown, hint: string | undefined): Failure | undefined {
  if (err instanceof UsageError)
    return {
      status: EXIT.usage,
      kind: 'usage',
      text: `qga-client: ${err.message}\nTry 'qga-client --help'.`,
      error: { desc: err.message },
    };
  if (err instanceof QgaClientError) {
    return {
      status: EXIT.agentError,
      kind: 'agent',
      text: `error: ${err.errorClass}: ${err.desc}`,
      error: { class: err.errorClass, desc: err.desc },
    };
  }
  if (err instanceof QgaConnectionError) {
    // Without the right secret the agent answers "authentication failed" (or nothing) and hangs up.
    const auth = hint !== undefined && /authentication failed|closed by the agent|no answer/.test(err.message);
    const text = `error: connection: ${err.message}${auth ? `\nhint: authentication may have failed: ${hint}` : ''}`;
    return { status: EXIT.connection, kind: 'connection', text };
  }
  if (err instanceof QgaTimeoutError) return { status: EXIT.timeout, kind: 'timeout', text: `error: timeout: ${err.message}` };
  if (err instanceof QgaProtocolError) return { status: EXIT.agentError, kind: 'protocol', text: `error: protocol: ${err.message}` };
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EPIPE') return undefined;
  return { status: EXIT.usage, kind: 'local', text: `error: ${err instanceof Error ? err.message : String(err)}` };
}

/** Prints the failure (as one JSON line on stdout with --json) and returns the exit status. */
function report(err: unknown, io: CliIo, json: boolean, hint: string | undefined): number {
  const failure = classify(err, hint);
  if (failure === undefined) return EXIT.ok;
  if (json) {
    const desc = failure.text.replace(/^(qga-client|error): /, '');
    io.stdout.write(formatJsonOutput({ error: { kind: failure.kind, ...(failure.error ?? { desc }), 'exit-status': failure.status } }));
  } else {
    io.stderr.write(`${failure.text}\n`);
  }
  return failure.status;
}
