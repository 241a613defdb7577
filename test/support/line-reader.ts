import net from 'node:net';

/**
 * A socket client for large replies: lines are joined once when complete (no
 * re-copy per chunk), and reading can be paused so the agent sees a host
 * that does not read.
 */
export class LineReader {
  private chunks: Buffer[] = [];
  private readonly lines: Buffer[] = [];
  private wake: (() => void) | undefined;
  private ended = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      let start = 0;
      for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
        this.chunks.push(chunk.subarray(start, nl));
        this.lines.push(Buffer.concat(this.chunks));
        this.chunks = [];
        start = nl + 1;
      }
      if (start < chunk.length) this.chunks.push(chunk.subarray(start));
      this.wake?.();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake?.();
    });
    socket.on('error', () => undefined);
  }

  static connect(path: string): Promise<LineReader> {
    return new Promise((resolve, reject) => {
      const s = net.connect(path, () => resolve(new LineReader(s)));
      s.once('error', reject);
    });
  }

  send(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => this.socket.write(data, () => resolve()));
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** The next line (without "\n"), within `timeoutMs`. */
  async line(timeoutMs = 10_000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (this.ended) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return this.lines.shift()!;
  }

  close(): void {
    this.socket.destroy();
  }
}
