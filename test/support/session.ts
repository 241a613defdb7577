import { bytes, type RawClient } from './raw-client.js';

let nextSyncId = 0x10000 + Math.floor(Math.random() * 0x7fff0000);

/** A fresh sync id (a random-ish uint32, as upstream's test uses). */
export function freshSyncId(): number {
  nextSyncId = (nextSyncId + 1) % 0x100000000;
  return nextSyncId;
}

/**
 * The documented handshake (docs/protocol.md#synchronisation): 0xFF, then guest-sync-delimited with a
 * fresh id; skip everything up to the agent's 0xFF, then the next line must be
 * `{"return": <id>}`. Returns the lines skipped before the 0xFF.
 */
export async function syncDelimited(client: RawClient, timeoutMs = 10_000): Promise<string[]> {
  const id = freshSyncId();
  await client.send(bytes(`\xff{"execute":"guest-sync-delimited","arguments":{"id":${id}}}`));
  const skipped = await client.readUntilDelimiter(timeoutMs);
  const reply = await client.readLine(timeoutMs);
  if (reply !== `{"return": ${id}}`)
    throw new Error(`sync: expected {"return": ${id}}, got ${JSON.stringify(reply)} (skipped ${JSON.stringify(skipped)})`);
  return skipped;
}

export interface Exchange {
  /** Every reply the input caused, in order (byte-exact lines). */
  readonly replies: string[];
  /** The reply to the 0xFF sent after the input (shows the lexer state the input left). */
  readonly flush: string;
}

/**
 * Send raw input, then 0xFF + guest-sync-delimited, and split what comes back:
 * the input's replies, then one error for the 0xFF, then the 0xFF-delimited
 * sync reply. Works whatever state the input leaves the parser in, because
 * 0xFF always resets it (docs/protocol.md#recovery-and-0xff) and always costs exactly one error reply.
 */
export async function exchange(client: RawClient, input: string | Uint8Array, timeoutMs = 15_000): Promise<Exchange> {
  await client.send(typeof input === 'string' ? bytes(input) : input);
  const id = freshSyncId();
  await client.send(bytes(`\xff{"execute":"guest-sync-delimited","arguments":{"id":${id}}}`));
  const lines = await client.readUntilDelimiter(timeoutMs);
  const reply = await client.readLine(timeoutMs);
  if (reply !== `{"return": ${id}}`) throw new Error(`exchange: sync reply ${JSON.stringify(reply)} is not for id ${id}`);
  const flush = lines.pop();
  if (flush === undefined) throw new Error('exchange: the 0xFF got no error reply');
  return { replies: lines, flush };
}

/** Send one request (object → JSON text, or raw text) and read one reply line. */
export async function request(client: RawClient, req: object | string, timeoutMs = 10_000): Promise<string> {
  await client.send(typeof req === 'string' ? req : JSON.stringify(req));
  return client.readLine(timeoutMs);
}

/** `request` + JSON.parse. */
export async function call(client: RawClient, req: object | string, timeoutMs = 10_000): Promise<any> {
  const line = await request(client, req, timeoutMs);
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`reply is not JSON: ${JSON.stringify(line)}`);
  }
}

/** `call` for a command; throws with the agent's error if it failed, returns `return`. */
export async function execute(client: RawClient, command: string, args?: object, timeoutMs = 10_000): Promise<any> {
  const reply = await call(client, args === undefined ? { execute: command } : { execute: command, arguments: args }, timeoutMs);
  if (reply.error) throw new Error(`${command} failed: ${reply.error.class}: ${reply.error.desc}`);
  if (!('return' in reply)) throw new Error(`${command}: reply has no return: ${JSON.stringify(reply)}`);
  return reply.return;
}
