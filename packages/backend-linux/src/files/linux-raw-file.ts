import type { FileHandle } from 'node:fs/promises';
import { errnoError, type RawFile, type SeekWhence } from '@qga/core';
import { blockDeviceSize } from './block-device-size.js';

/** Reads from pipes and devices go in pieces of this size. */
const STREAM_CHUNK = 1024 * 1024;
/** Probe size used to detect EOF (or growth) after reading the expected rest of a regular file. */
const PROBE_CHUNK = 64 * 1024;

/**
 * How the descriptor is driven. Node has no lseek(2), so for seekable files we
 * keep the offset ourselves and use pread/pwrite (positional I/O); pipes,
 * sockets and character devices are read and written at the kernel's offset
 * and cannot be seeked (ESPIPE).
 */
export type FileKind = 'regular' | 'block' | 'stream';

export class LinuxRawFile implements RawFile {
  private pos = 0n;

  constructor(
    private readonly fh: FileHandle,
    private readonly kind: FileKind,
    private readonly append: boolean,
    private readonly rdev: number,
  ) {}

  get fd(): number {
    return this.fh.fd;
  }

  async read(count: number): Promise<{ data: Buffer; eof: boolean }> {
    if (count <= 0) return { data: Buffer.alloc(0), eof: false };
    if (this.kind === 'stream') return this.readStream(count);

    const chunks: Buffer[] = [];
    let got = 0;
    let eof = false;
    // Size the first buffer to what the file holds, so a 48 MiB count on a
    // small file allocates little and a large read needs no copy.
    let want = count;
    if (this.kind === 'regular') {
      const { size } = await this.fh.stat({ bigint: true });
      const rest = size > this.pos ? size - this.pos : 0n;
      want = rest === 0n ? Math.min(count, PROBE_CHUNK) : Number(rest < BigInt(count) ? rest : BigInt(count));
    } else {
      want = Math.min(count, STREAM_CHUNK);
    }
    while (got < count) {
      const buf = Buffer.allocUnsafe(want);
      // Offsets stay far below 2^53 (no Linux filesystem allows files that large).
      const { bytesRead } = await this.fh.read(buf, 0, want, Number(this.pos));
      if (bytesRead === 0) {
        eof = true;
        break;
      }
      chunks.push(bytesRead === want ? buf : buf.subarray(0, bytesRead));
      got += bytesRead;
      this.pos += BigInt(bytesRead);
      want = Math.min(count - got, this.kind === 'regular' ? PROBE_CHUNK : STREAM_CHUNK);
    }
    return { data: join(chunks, got), eof };
  }

  /** Non-blocking read at the kernel offset: returns what is available now; EOF only when the writer side is gone. */
  private async readStream(count: number): Promise<{ data: Buffer; eof: boolean }> {
    const chunks: Buffer[] = [];
    let got = 0;
    let eof = false;
    while (got < count) {
      const want = Math.min(count - got, STREAM_CHUNK);
      const buf = Buffer.allocUnsafe(want);
      let n: number;
      try {
        n = (await this.fh.read(buf, 0, want, null)).bytesRead;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break;
        if (got > 0) break; // report the bytes we have; the error shows again on the next read
        throw e;
      }
      if (n === 0) {
        eof = true;
        break;
      }
      chunks.push(buf.subarray(0, n));
      got += n;
    }
    // Stream buffers are over-allocated: copy once so a small read does not pin a megabyte.
    return { data: Buffer.concat(chunks, got), eof };
  }

  async write(data: Buffer): Promise<number> {
    let done = 0;
    while (done < data.length) {
      const position = this.kind === 'stream' || this.append ? null : Number(this.pos);
      let n: number;
      try {
        n = (await this.fh.write(data, done, data.length - done, position)).bytesWritten;
      } catch (e) {
        // A full pipe: report the partial write rather than lose its count.
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN' && done > 0) break;
        throw e;
      }
      if (n === 0) break;
      done += n;
      if (position !== null) this.pos += BigInt(n);
    }
    if (this.append && this.kind !== 'stream') {
      // O_APPEND leaves the offset at the end of the file.
      this.pos = (await this.fh.stat({ bigint: true })).size;
    }
    return done;
  }

  async seek(offset: bigint, whence: SeekWhence): Promise<bigint> {
    if (this.kind === 'stream') throw errnoError('ESPIPE', 'lseek');
    let base: bigint;
    switch (whence) {
      case 0:
        base = 0n;
        break;
      case 1:
        base = this.pos;
        break;
      case 2:
        base = this.kind === 'block' ? await blockDeviceSize(this.rdev) : (await this.fh.stat({ bigint: true })).size;
        break;
      default:
        throw errnoError('EINVAL', 'lseek');
    }
    const next = base + offset;
    if (next < 0n) throw errnoError('EINVAL', 'lseek');
    this.pos = next;
    return next;
  }

  /** Nothing is buffered in user space: every write already reached the kernel. */
  async flush(): Promise<void> {}

  async close(): Promise<void> {
    await this.fh.close();
  }
}

function join(chunks: Buffer[], total: number): Buffer {
  if (chunks.length === 1) return chunks[0]!;
  if (chunks.length === 0) return Buffer.alloc(0);
  return Buffer.concat(chunks, total);
}
