import net from 'node:net';

/** Bytes from a string where each char is one byte (`'\xff'` → 0xFF). For raw protocol input. */
export function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** What the client has waited for and did not get. */
export class ReadTimeout extends Error {
  constructor(what: string, ms: number, pending: Buffer) {
    super(`timed out after ${ms} ms waiting for ${what}; unread bytes: ${JSON.stringify(pending.toString('latin1').slice(0, 300))}`);
    this.name = 'ReadTimeout';
  }
}

export interface ConnectOptions {
  /** Connection attempts before giving up (the agent may still be starting). */
  readonly retries?: number;
  readonly delayMs?: number;
}

const DELIMITER = 0xff;
const NEWLINE = 0x0a;

/**
 * A byte-level client for the agent's socket: no JSON framing of its own, so
 * tests see exactly what the agent writes. Replies are read line by line
 * (every reply ends in `\n`), or up to the 0xFF that guest-sync-delimited
 * puts in front of its reply. Every wait is bounded.
 */
export class RawClient {
  private pending: Buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
      this.notify();
    });
    socket.on('close', () => {
      this.ended = true;
      this.notify();
    });
    socket.on('error', () => {
      this.ended = true;
      this.notify();
    });
  }

  /** `path`: a unix socket, or `{ host, port }` for TCP. */
  static async connect(path: string | { readonly host: string; readonly port: number }, options: ConnectOptions = {}): Promise<RawClient> {
    const retries = options.retries ?? 50;
    const delayMs = options.delayMs ?? 100;
    let lastError: unknown;
    for (let attempt = 0; attempt < retries; attempt++) {
      try {
        const socket = await new Promise<net.Socket>((resolve, reject) => {
          const s = typeof path === 'string' ? net.connect(path) : net.connect(path.port, path.host);
          s.once('connect', () => {
            s.removeListener('error', reject);
            resolve(s);
          });
          s.once('error', reject);
        });
        return new RawClient(socket);
      } catch (err) {
        lastError = err;
        await sleep(delayMs);
      }
    }
    throw new Error(
      `could not connect to ${typeof path === 'string' ? path : `${path.host}:${path.port}`} after ${retries} attempts: ${String(lastError)}`,
    );
  }

  /** True once the agent closed the connection (or it failed). */
  get closed(): boolean {
    return this.ended;
  }

  /** Bytes received and not read yet. */
  get unread(): Buffer {
    return this.pending;
  }

  /** Send a string as UTF-8, or raw bytes; resolves when handed to the kernel. */
  async send(data: string | Uint8Array): Promise<void> {
    const chunk = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await new Promise<void>((resolve, reject) => {
      this.socket.write(chunk, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Send bytes in pieces of `size`, pausing `gapMs` between them so each arrives in its own read. */
  async sendChunked(data: string | Uint8Array, size: number, gapMs = 0): Promise<void> {
    const all = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    for (let i = 0; i < all.length; i += size) {
      await this.send(all.subarray(i, i + size));
      if (gapMs > 0) await sleep(gapMs);
    }
  }

  /** The next reply line as bytes, without its `\n`. */
  async readLineBytes(timeoutMs = 10_000): Promise<Buffer> {
    const end = await this.waitFor(
      (buf) => {
        const i = buf.indexOf(NEWLINE);
        return i < 0 ? undefined : i;
      },
      'a reply line',
      timeoutMs,
    );
    const line = this.pending.subarray(0, end);
    this.pending = this.pending.subarray(end + 1);
    return line;
  }

  /** The next reply line as text (latin1, so any stray byte stays visible). */
  async readLine(timeoutMs = 10_000): Promise<string> {
    return (await this.readLineBytes(timeoutMs)).toString('latin1');
  }

  /** The next `count` reply lines. */
  async readLines(count: number, timeoutMs = 10_000): Promise<string[]> {
    const lines: string[] = [];
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < count; i++) lines.push(await this.readLine(Math.max(1, deadline - Date.now())));
    return lines;
  }

  /** The next reply line, JSON-parsed (numbers beyond 2^53 lose precision: compare the raw line for those). */
  async readJson(timeoutMs = 10_000): Promise<any> {
    const line = await this.readLine(timeoutMs);
    try {
      return JSON.parse(line);
    } catch {
      throw new Error(`reply is not JSON: ${JSON.stringify(line)}`);
    }
  }

  /**
   * Everything up to the next 0xFF byte, split into lines (the 0xFF is consumed).
   * Text after the last `\n` before the 0xFF, if any, is returned as a last element.
   */
  async readUntilDelimiter(timeoutMs = 10_000): Promise<string[]> {
    const at = await this.waitFor(
      (buf) => {
        const i = buf.indexOf(DELIMITER);
        return i < 0 ? undefined : i;
      },
      'a 0xFF delimiter',
      timeoutMs,
    );
    const before = this.pending.subarray(0, at).toString('latin1');
    this.pending = this.pending.subarray(at + 1);
    const lines = before.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines;
  }

  /** Wait `ms` and return whatever arrived meanwhile (consumed); an empty result means silence. */
  async collectFor(ms: number): Promise<string> {
    await sleep(ms);
    const got = this.pending.toString('latin1');
    this.pending = Buffer.alloc(0);
    return got;
  }

  /** Resolves true if the agent closes the connection within `ms`. */
  async waitClosed(ms: number): Promise<boolean> {
    try {
      await this.waitFor(() => undefined, 'close', ms);
    } catch {
      /* closed or timed out: answer from the flag */
    }
    return this.ended;
  }

  async close(): Promise<void> {
    if (this.ended) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 1000).unref();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Lets the process exit while this connection is open and idle (a wait for a reply still holds it, by its timer). */
  unref(): void {
    this.socket.unref();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async waitFor(find: (buf: Buffer) => number | undefined, what: string, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find(this.pending);
      if (found !== undefined) return found;
      if (this.ended)
        throw new Error(
          `connection closed while waiting for ${what}; unread: ${JSON.stringify(this.pending.toString('latin1').slice(0, 300))}`,
        );
      const left = deadline - Date.now();
      if (left <= 0) throw new ReadTimeout(what, timeoutMs, this.pending);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
