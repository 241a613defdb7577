/**
 * The benchmark's client: a raw unix socket, requests encoded once up front,
 * replies found by counting '\n' with Buffer#indexOf (every agent reply is
 * exactly one line). Nothing is parsed or concatenated on the hot paths; only
 * the few replies whose content matters (a file handle, an exec pid, an exec
 * status) are collected and handed to JSON.parse.
 *
 * One operation runs at a time per client; each installs its own chunk
 * handler, so the 'data' listener itself never changes.
 */
import { connect, type Socket } from 'node:net';

const NL = 10;

type ChunkHandler = (chunk: Buffer) => void;

export class ProtocolError extends Error {}

export class RawClient {
  private handler: ChunkHandler | null = null;
  private reject: ((e: Error) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private broken: Error | null = null;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      const h = this.handler;
      if (h !== null) h(chunk);
      else this.fail(new ProtocolError(`unexpected bytes with no request outstanding: ${chunk.toString('latin1', 0, 120)}`));
    });
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('connection closed by the agent')));
  }

  static fromSocket(socket: Socket): RawClient {
    return new RawClient(socket);
  }

  static connect(path: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(path);
      s.once('connect', () => {
        s.removeListener('error', reject);
        resolve(new RawClient(s));
      });
      s.once('error', reject);
    });
  }

  close(): void {
    this.broken ??= new Error('closed');
    this.socket.destroy();
  }

  private fail(e: Error): void {
    if (this.broken === null) this.broken = e;
    const r = this.reject;
    this.finish();
    r?.(e);
  }

  private finish(): void {
    this.handler = null;
    this.reject = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Runs one operation: installs `handler`, arms the timeout, then calls `start`. */
  private op<T>(
    timeoutMs: number,
    build: (resolve: (v: T) => void) => { handler: ChunkHandler; start: () => void; progress?: () => string },
  ): Promise<T> {
    if (this.broken !== null) return Promise.reject(this.broken);
    if (this.handler !== null) return Promise.reject(new Error('operation already in progress'));
    return new Promise<T>((resolve, reject) => {
      const done = (v: T): void => {
        this.finish();
        resolve(v);
      };
      const { handler, start, progress } = build(done);
      this.handler = handler;
      this.reject = reject;
      this.timer = setTimeout(() => {
        const e = new Error(`timed out after ${timeoutMs} ms${progress ? ` (${progress()})` : ''}`);
        this.fail(e);
        this.socket.destroy();
      }, timeoutMs);
      start();
    });
  }

  /** Sends `request` and resolves with the whole reply line (without '\n'). For small replies. */
  request(request: Buffer | string, timeoutMs = 15000): Promise<string> {
    return this.op<string>(timeoutMs, (resolve) => {
      const parts: Buffer[] = [];
      return {
        handler: (chunk) => {
          const nl = chunk.indexOf(NL);
          if (nl === -1) {
            parts.push(chunk);
            return;
          }
          if (nl !== chunk.length - 1) {
            this.fail(new ProtocolError(`more than one reply to one request: ${chunk.toString('latin1', 0, 200)}`));
            return;
          }
          parts.push(chunk.subarray(0, nl));
          resolve(Buffer.concat(parts).toString('latin1'));
        },
        start: () => void this.socket.write(request),
      };
    });
  }

  /** request() + JSON.parse; throws on an error reply. */
  async call(request: Buffer | string, timeoutMs = 15000): Promise<unknown> {
    const line = await this.request(request, timeoutMs);
    const reply = JSON.parse(line.charCodeAt(0) === 0xff ? line.slice(1) : line) as { return?: unknown; error?: { desc: string } };
    if (reply.error) throw new ProtocolError(`agent error: ${reply.error.desc}`);
    return reply.return;
  }

  /**
   * Sends `request` and waits for its one reply line without keeping it:
   * resolves with the reply's length and its first and last bytes (enough to
   * read `"count": N` and `"eof": …` of a guest-file-read reply).
   */
  requestSkim(request: Buffer, timeoutMs = 30000): Promise<{ bytes: number; head: string; tail: string }> {
    return this.op(timeoutMs, (resolve) => {
      let bytes = 0;
      let head = '';
      let last: Buffer | null = null;
      return {
        handler: (chunk) => {
          if (bytes === 0) head = chunk.toString('latin1', 0, Math.min(chunk.length, 200));
          const nl = chunk.indexOf(NL);
          if (nl === -1) {
            bytes += chunk.length;
            last = chunk;
            return;
          }
          if (nl !== chunk.length - 1) {
            this.fail(new ProtocolError('more than one reply to one request'));
            return;
          }
          bytes += nl;
          const end = chunk.subarray(Math.max(0, nl - 60), nl);
          const tail =
            end.length >= 60 || last === null ? end.toString('latin1') : Buffer.concat([last.subarray(-60), end]).toString('latin1');
          resolve({ bytes, head, tail });
        },
        start: () => void this.socket.write(request),
      };
    });
  }

  /**
   * Sequential round trips: send `request`, wait for a reply line, send again,
   * `count` times. Writes each round trip's time (ms) into `out` and checks
   * that the replies add up to count × expectedReplyBytes (if given).
   */
  roundTrips(request: Buffer, count: number, out: Float64Array, expectedReplyBytes = 0, timeoutMs = 60000): Promise<void> {
    return this.op<void>(timeoutMs, (resolve) => {
      let i = 0;
      let bytes = 0;
      let t0 = 0;
      const socket = this.socket;
      return {
        handler: (chunk) => {
          bytes += chunk.length;
          let nl = chunk.indexOf(NL);
          while (nl !== -1) {
            const t = performance.now();
            out[i++] = t - t0;
            if (i === count) {
              if (nl !== chunk.length - 1) return this.fail(new ProtocolError('extra bytes after the last reply'));
              if (expectedReplyBytes > 0 && bytes !== count * expectedReplyBytes) {
                return this.fail(new ProtocolError(`replies were ${bytes} bytes, expected ${count * expectedReplyBytes}`));
              }
              return resolve();
            }
            t0 = performance.now();
            socket.write(request);
            nl = chunk.indexOf(NL, nl + 1);
          }
        },
        start: () => {
          t0 = performance.now();
          socket.write(request);
        },
        progress: () => `${i} of ${count} replies received`,
      };
    });
  }

  /**
   * Writes `burst` in one go and resolves with the milliseconds until
   * `replies` reply lines have arrived (counted, not parsed).
   */
  burst(burst: Buffer, replies: number, expectedBytes = 0, timeoutMs = 30000): Promise<number> {
    return this.op<number>(timeoutMs, (resolve) => {
      let seen = 0;
      let bytes = 0;
      let t0 = 0;
      return {
        handler: (chunk) => {
          bytes += chunk.length;
          let nl = chunk.indexOf(NL);
          while (nl !== -1) {
            if (++seen === replies) {
              const ms = performance.now() - t0;
              if (nl !== chunk.length - 1) return this.fail(new ProtocolError('extra bytes after the last reply'));
              if (expectedBytes > 0 && bytes !== expectedBytes)
                return this.fail(new ProtocolError(`replies were ${bytes} bytes, expected ${expectedBytes}`));
              return resolve(ms);
            }
            nl = chunk.indexOf(NL, nl + 1);
          }
        },
        start: () => {
          t0 = performance.now();
          this.socket.write(burst);
        },
        progress: () => `${seen} of ${replies} replies received, then nothing`,
      };
    });
  }
}

/** A request line, encoded once. */
export function encodeRequest(execute: string, args?: Record<string, unknown>): Buffer {
  const body = args === undefined ? { execute } : { execute, arguments: args };
  return Buffer.from(`${JSON.stringify(body)}\n`, 'latin1');
}
