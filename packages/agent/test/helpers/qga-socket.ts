import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A tiny raw client for the agent's unix socket: bytes out, reply lines in.
 * Replies are kept as text (big integers must not be rounded by JSON.parse).
 */
export class RawQgaClient {
  private buffer = '';
  private readonly waiters: Array<(line: string | undefined) => void> = [];
  private lines: string[] = [];
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        this.push(this.buffer.slice(0, nl));
        this.buffer = this.buffer.slice(nl + 1);
      }
    });
    const end = (): void => {
      this.closed = true;
      for (const waiter of this.waiters.splice(0)) waiter(undefined);
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  /** Connect, retrying while the socket does not exist yet or refuses (the agent is starting). */
  static async connect(path: string, timeoutMs = 10_000): Promise<RawQgaClient> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(path, () => resolve(s));
          s.once('error', reject);
        });
        return new RawQgaClient(socket);
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await sleep(25);
      }
    }
  }

  send(data: string | Uint8Array | object): void {
    const bytes = typeof data === 'string' || data instanceof Uint8Array ? data : `${JSON.stringify(data)}\n`;
    this.socket.write(bytes);
  }

  /** The next reply line, or undefined if the agent closed the connection. */
  readLine(timeoutMs = 10_000): Promise<string | undefined> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push((l) => {
        clearTimeout(timer);
        resolve(l);
      });
    });
  }

  /** Send a command and return its reply line. */
  async request(command: object, timeoutMs?: number): Promise<string | undefined> {
    this.send(command);
    return this.readLine(timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }

  private push(line: string): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(line);
    else this.lines.push(line);
  }
}
