import { connect, type Socket } from 'node:net';

/**
 * The host end of QEMU's chardev socket, speaking raw bytes: connects,
 * does the 0xFF + guest-sync-delimited handshake (retrying while the guest
 * boots), then sends requests and reads one reply line each.
 */
export class VmChannel {
  private buffer = Buffer.alloc(0);
  private waiter?: () => void;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.waiter?.();
    });
    socket.on('close', () => this.waiter?.());
  }

  static open(path: string): Promise<VmChannel> {
    return new Promise((resolve, reject) => {
      const s = connect(path);
      s.once('connect', () => resolve(new VmChannel(s)));
      s.once('error', reject);
    });
  }

  /** Keeps syncing until the agent answers with our id (the guest may still be booting). */
  async sync(deadlineMs: number): Promise<void> {
    const end = Date.now() + deadlineMs;
    for (let attempt = 0; Date.now() < end; attempt++) {
      const id = 1_000_000 + Math.floor(Math.random() * 1e9);
      this.buffer = Buffer.alloc(0);
      this.socket.write(Buffer.concat([Buffer.from([0xff]), Buffer.from(`{"execute":"guest-sync-delimited","arguments":{"id":${id}}}`)]));
      const line = await this.readDelimited(Math.min(3000, end - Date.now()));
      if (line !== null && line === `{"return": ${id}}`) return;
    }
    throw new Error('guest agent did not answer the sync handshake in time');
  }

  /**
   * Sends raw bytes, then 0xFF + guest-sync-delimited as a barrier, and returns
   * every reply line the bytes caused (the barrier's own 0xFF error reply included).
   */
  async exchange(bytes: string | Buffer, timeoutMs = 20000): Promise<string[]> {
    const id = 2_000_000 + Math.floor(Math.random() * 1e9);
    this.socket.write(bytes);
    this.socket.write(Buffer.concat([Buffer.from([0xff]), Buffer.from(`{"execute":"guest-sync-delimited","arguments":{"id":${id}}}`)]));
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const ff = this.buffer.indexOf(0xff);
      const nl = ff >= 0 ? this.buffer.indexOf(0x0a, ff) : -1;
      if (nl >= 0) {
        const before = this.buffer.subarray(0, ff).toString('latin1');
        const barrier = this.buffer.subarray(ff + 1, nl).toString('latin1');
        this.buffer = this.buffer.subarray(nl + 1);
        if (barrier !== `{"return": ${id}}`) throw new Error(`barrier answered ${barrier}`);
        return before.split('\n').filter((l) => l !== '');
      }
      if (!(await this.wait(end - Date.now()))) break;
    }
    throw new Error(`no barrier reply after ${JSON.stringify(bytes)}`);
  }

  async request(json: string, timeoutMs = 20000): Promise<string> {
    this.socket.write(json);
    const line = await this.readLine(timeoutMs);
    if (line === null) throw new Error(`no reply to ${json}`);
    return line;
  }

  send(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }

  private async readDelimited(timeoutMs: number): Promise<string | null> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const ff = this.buffer.indexOf(0xff);
      if (ff >= 0) {
        const nl = this.buffer.indexOf(0x0a, ff);
        if (nl >= 0) {
          const line = this.buffer.subarray(ff + 1, nl).toString('latin1');
          this.buffer = this.buffer.subarray(nl + 1);
          return line;
        }
      }
      if (!(await this.wait(end - Date.now()))) break;
    }
    return null;
  }

  private async readLine(timeoutMs: number): Promise<string | null> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const nl = this.buffer.indexOf(0x0a);
      if (nl >= 0) {
        const line = this.buffer.subarray(0, nl).toString('latin1');
        this.buffer = this.buffer.subarray(nl + 1);
        return line;
      }
      if (!(await this.wait(end - Date.now()))) break;
    }
    return null;
  }

  private wait(ms: number): Promise<boolean> {
    if (this.socket.destroyed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(false);
      }, Math.max(0, ms));
      this.waiter = () => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(true);
      };
    });
  }
}
