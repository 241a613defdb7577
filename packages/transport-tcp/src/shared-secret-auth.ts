import { createHash, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';

/**
 * Shared-secret handshake for tcp-listen. The first line a client sends must be
 * `AUTH <secret>\n` (a `\r` before the `\n` is tolerated); after it the stream
 * is plain QGA, so an authenticated client sees nothing unusual. Anything else
 * gets one QGA-shaped error line and the connection is closed.
 */
export const AUTH_PREFIX = 'AUTH ';
/** Longest first line we wait for; a longer one fails without buffering more. */
export const AUTH_LINE_MAX = 1024;
export const AUTH_FAILED_REPLY = '{"error": {"class": "GenericError", "desc": "authentication failed"}}\n';
/** Shorter secrets are refused at startup. */
export const MIN_SECRET_LENGTH = 16;

/** sha256 first, so comparing secrets of different lengths takes the same time as equal ones. */
export function secretDigest(secret: Uint8Array): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Secret bytes carried by an auth line (without its `\n`), or undefined if the line is not one. */
export function parseAuthLine(line: Uint8Array): Buffer | undefined {
  let end = line.length;
  if (end > 0 && line[end - 1] === 0x0d) end -= 1;
  const prefix = Buffer.from(AUTH_PREFIX, 'ascii');
  if (end < prefix.length || !prefix.equals(line.subarray(0, prefix.length))) return undefined;
  return Buffer.from(line.subarray(prefix.length, end));
}

/** Constant-time check of an auth line against the digest of the configured secret. */
export function authLineMatches(line: Uint8Array, expected: Buffer): boolean {
  const offered = parseAuthLine(line);
  // Hash something either way so a malformed line costs the same as a wrong secret.
  const digest = secretDigest(offered ?? Buffer.alloc(0));
  return timingSafeEqual(digest, expected) && offered !== undefined;
}

export type AuthOutcome = { readonly ok: true; readonly rest: Buffer } | { readonly ok: false; readonly reason: string };

/** Read the first line from a (paused) socket and check it. Leaves the socket paused. */
export function readAuthLine(socket: Socket, expected: Buffer, timeoutMs: number): Promise<AuthOutcome> {
  return new Promise<AuthOutcome>((resolve) => {
    let buffered: Buffer = Buffer.alloc(0);
    const finish = (outcome: AuthOutcome): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.pause();
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const nl = buffered.indexOf(0x0a);
      if (nl < 0) {
        if (buffered.length > AUTH_LINE_MAX) finish({ ok: false, reason: 'auth line too long' });
        return;
      }
      if (nl > AUTH_LINE_MAX) return finish({ ok: false, reason: 'auth line too long' });
      const line = buffered.subarray(0, nl);
      if (authLineMatches(line, expected)) finish({ ok: true, rest: Buffer.from(buffered.subarray(nl + 1)) });
      else finish({ ok: false, reason: 'bad shared secret' });
    };
    const onEnd = (): void => finish({ ok: false, reason: 'closed before authenticating' });
    const timer = setTimeout(() => finish({ ok: false, reason: 'no auth line in time' }), timeoutMs);
    timer.unref();
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.resume();
  });
}
