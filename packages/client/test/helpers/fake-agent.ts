import net from 'node:net';
import tls from 'node:tls';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJson } from '../../src/json/parse-json.js';
import { stringifyJson } from '../../src/json/stringify-json.js';
import type { JsonObject, JsonValue } from '../../src/json/json-value.js';

/** What a handler may answer: a value to send, or nothing at all. */
export type FakeReply = { line: string } | { return: JsonValue } | { error: { class: string; desc: string } } | { none: true };

export interface FakeConnection {
  readonly socket: net.Socket;
  /** Every request received, parsed (0xFF bytes are recorded as the string "<FF>"). */
  readonly received: Array<JsonObject | '<FF>'>;
  /** Raw writes to the client. */
  send(text: string | Buffer): void;
}

export type FakeHandler = (request: JsonObject, conn: FakeConnection) => FakeReply | undefined | Promise<FakeReply | undefined>;

export interface FakeAgentOptions {
  /** Custom command behaviour; return undefined to fall back to the defaults. */
  readonly handler?: FakeHandler;
  /** Called when a client connects, before anything is read. */
  readonly onConnect?: (conn: FakeConnection) => void;
  /** Expect this `AUTH <secret>` line first; close the connection otherwise. */
  readonly sharedSecret?: string;
  /** Listen on TCP (port 0) instead of a unix socket. */
  readonly tcp?: boolean;
  /** TLS server options (implies TCP). */
  readonly tls?: tls.TlsOptions;
}

export interface FakeAgent {
  /** Address for QgaClient.connect. */
  readonly address: string;
  readonly connections: FakeConnection[];
  close(): Promise<void>;
}

/**
 * A small stand-in agent that frames requests the way qemu-ga does (a JSON
 * object completes at its closing brace, 0xFF resets the parser and earns an
 * error reply) and answers them strictly one after another, in order.
 */
export async function startFakeAgent(options: FakeAgentOptions = {}): Promise<FakeAgent> {
  const connections: FakeConnection[] = [];
  const sockets = new Set<net.Socket>();
  const onSocket = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const conn: FakeConnection = { socket, received: [], send: (text) => socket.writable && socket.write(text) };
    connections.push(conn);
    options.onConnect?.(conn);
    serve(conn, options);
  };
  let server: net.Server;
  let address: string;
  let dir: string | undefined;
  if (options.tls) server = tls.createServer(options.tls, onSocket);
  else server = net.createServer(onSocket);
  if (options.tcp || options.tls) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    address = `${options.tls ? 'tls' : 'tcp'}:127.0.0.1:${port}`;
  } else {
    dir = mkdtempSync(join(tmpdir(), 'qga-fake-'));
    const path = join(dir, 'sock');
    await new Promise<void>((resolve) => server.listen(path, resolve));
    address = `unix:${path}`;
  }
  return {
    address,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

function serve(conn: FakeConnection, options: FakeAgentOptions): void {
  let authed = options.sharedSecret === undefined;
  let authBuf = '';
  let text = '';
  let depth = 0;
  let inString = false;
  let escape = false;
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (job: () => Promise<void> | void) => {
    chain = chain.then(job).catch(() => {});
  };
  conn.socket.on('data', (chunk: Buffer) => {
    let bytes = chunk;
    if (!authed) {
      const nl = bytes.indexOf(0x0a);
      authBuf += bytes.subarray(0, nl < 0 ? bytes.length : nl).toString('latin1');
      if (nl < 0) return;
      if (authBuf !== `AUTH ${options.sharedSecret}`) {
        // What the project's tcp-listen transport does: one QGA-shaped error, then hang up.
        conn.socket.end('{"error": {"class": "GenericError", "desc": "authentication failed"}}\n');
        return;
      }
      authed = true;
      bytes = bytes.subarray(nl + 1);
    }
    for (const b of bytes) {
      if (b === 0xff) {
        text = '';
        depth = 0;
        inString = false;
        escape = false;
        conn.received.push('<FF>');
        enqueue(() => {
          conn.send(`{"error": {"class": "GenericError", "desc": "JSON parse error, stray '\\uFFFD'"}}\n`);
        });
        continue;
      }
      const c = String.fromCharCode(b);
      if (depth === 0 && !inString && c !== '{') continue; // whitespace / junk between requests
      text += c;
      if (inString) {
        if (escape) escape = false;
        else if (c === '\\') escape = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        const request = parseJson(text) as JsonObject;
        text = '';
        conn.received.push(request);
        enqueue(() => answer(request, conn, options));
      }
    }
  });
}

async function answer(request: JsonObject, conn: FakeConnection, options: FakeAgentOptions): Promise<void> {
  const custom = await options.handler?.(request, conn);
  const reply = custom ?? defaultReply(request);
  const id = request['id'];
  const idPart = id === undefined ? '' : `, "id": ${stringifyJson(id)}`;
  if ('none' in reply) return;
  if ('line' in reply) {
    conn.send(reply.line);
    return;
  }
  if ('error' in reply) {
    conn.send(`{"error": {"class": "${reply.error.class}", "desc": ${stringifyJson(reply.error.desc)}}${idPart}}\n`);
    return;
  }
  const prefix = request['execute'] === 'guest-sync-delimited' ? '\xff' : '';
  conn.send(Buffer.from(`${prefix}{"return": ${stringifyJson(reply.return)}${idPart}}\n`, 'latin1'));
}

function defaultReply(request: JsonObject): FakeReply {
  const args = (request['arguments'] ?? {}) as JsonObject;
  switch (request['execute']) {
    case 'guest-sync':
    case 'guest-sync-delimited':
      return { return: args['id'] as JsonValue };
    case 'guest-ping':
      return { return: {} };
    case 'guest-get-host-name':
      return { return: { 'host-name': 'fake-guest' } };
    case 'guest-shutdown':
    case 'guest-suspend-ram':
    case 'guest-suspend-disk':
    case 'guest-suspend-hybrid':
      return { none: true };
    default:
      return { error: { class: 'CommandNotFound', desc: `The command ${String(request['execute'])} has not been found` } };
  }
}
