import type { FileHandle } from 'node:fs/promises';
import { errnoError, type RawFile, type SeekWhence } from '@qga/core';

/**
 * A file opened by guest-file-open on Windows: positional I/O at an offset we
 * keep (Node has no SetFilePointerEx). As in qemu-ga's ReadFile-based read,
 * `eof` is true only when nothing was read.
 */
export class WindowsRawFile implements RawFile {
  readonly singleRead = true;
  private pos = 0n;

  constructor(
    private readonly fh: FileHandle,
    private readonly append: boolean,
  ) {}

  async read(count: number): Promise<{ data: Buffer; eof: boolean }> {
    if (count <= 0) return { data: Buffer.alloc(0), eof: false };
    const { size } = await this.fh.stat({ bigint: true });
    const rest = size > this.pos ? size - this.pos : 0n;
    // Size the buffer to what the file holds (a 48 MiB count on a small file allocates little).
    const want = Math.max(1, Number(rest < BigInt(count) ? rest : BigInt(count)));
    const buf = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await this.fh.read(buf, got, want - got, Number(this.pos));
      if (bytesRead === 0) break;
      got += bytesRead;
      this.pos += BigInt(bytesRead);
    }
    return { data: buf.subarray(0, got), eof: got === 0 };
  }

  async write(data: Buffer): Promise<number> {
    if (this.append) this.pos = (await this.fh.stat({ bigint: true })).size;
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.fh.write(data, done, data.length - done, Number(this.pos));
      done += bytesWritten;
      this.pos += BigInt(bytesWritten);
    }
    return done;
  }

  async seek(offset: bigint, whence: SeekWhence): Promise<bigint> {
    const base = whence === 0 ? 0n : whence === 1 ? this.pos : (await this.fh.stat({ bigint: true })).size;
    const target = base + offset;
    if (target < 0n) throw errnoError('EINVAL', 'seek');
    this.pos = target;
    return target;
  }

  async flush(): Promise<void> {
    await this.fh.sync();
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
