import { readFileSync, statSync } from 'node:fs';
import type { QgaClientOptions } from '../client/qga-client.js';
import type { QgaTlsOptions } from '../transport/tls-options.js';
import type { GlobalOptions } from './parse-command-line.js';
import { UsageError } from './usage-error.js';
import type { CliIo } from './cli-io.js';

/** Address used when neither --address nor $QGA_ADDRESS is given (the README starts the agent there). */
export const DEFAULT_ADDRESS = 'unix:./run/qga.sock';

export interface ClientSetup {
  readonly address: string;
  readonly options: QgaClientOptions;
}

/** Turns global options into an address and client options, reading the secret and TLS files. */
export function loadClientOptions(global: GlobalOptions, io: CliIo): ClientSetup {
  const address = global.address ?? io.env['QGA_ADDRESS'] ?? DEFAULT_ADDRESS;
  const read = (what: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new UsageError(`cannot read ${what} ${file}: ${(err as Error).message}`);
    }
  };
  let sharedSecret: string | undefined;
  if (global.sharedSecretFile !== undefined) {
    checkSecretFileMode(global.sharedSecretFile, io);
    sharedSecret = read('shared secret file', global.sharedSecretFile)
      .toString('utf8')
      .replace(/\r?\n$/, '');
    if (sharedSecret.length === 0 || /[\r\n]/.test(sharedSecret)) throw new UsageError('the shared secret must be one non-empty line');
  }
  let tls: QgaTlsOptions | undefined;
  if (global.tls || global.tlsCert || global.tlsKey || global.tlsCa || global.tlsServername) {
    if ((global.tlsCert === undefined) !== (global.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
    tls = {
      ...(global.tlsCert !== undefined ? { cert: read('certificate', global.tlsCert) } : {}),
      ...(global.tlsKey !== undefined ? { key: read('key', global.tlsKey) } : {}),
      ...(global.tlsCa !== undefined ? { ca: read('CA certificate', global.tlsCa) } : {}),
      ...(global.tlsServername !== undefined ? { servername: global.tlsServername } : {}),
    };
  }
  const timeoutMs = Math.round((global.timeoutS ?? 10) * 1000);
  const trace = global.trace
    ? (direction: 'in' | 'out', bytes: Buffer) =>
        io.stderr.write(`${direction === 'out' ? '>>' : '<<'} ${JSON.stringify(bytes.toString('latin1'))}\n`)
    : undefined;
  return {
    address,
    options: {
      timeoutMs,
      ...(global.waitS !== undefined ? { readyTimeoutMs: Math.round(global.waitS * 1000) } : {}),
      ...(sharedSecret !== undefined ? { sharedSecret } : {}),
      ...(tls !== undefined ? { tls } : {}),
      ...(trace !== undefined ? { trace } : {}),
    },
  };
}

/** A secret every local user can read is no secret: refused; readable by the group: a warning. */
function checkSecretFileMode(file: string, io: CliIo): void {
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    return; // reading it reports the problem
  }
  const octal = mode.toString(8).padStart(3, '0');
  if ((mode & 0o004) !== 0)
    throw new UsageError(`refusing the shared secret file ${file}: every user can read it (mode ${octal}); chmod 600 ${file}`);
  if ((mode & 0o040) !== 0)
    io.stderr.write(`qga-client: warning: the shared secret file ${file} is readable by its group (mode ${octal})\n`);
}
