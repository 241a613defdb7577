import type { FileHandle } from 'node:fs/promises';
import { errnoError, type RawFile, type RawRead, type SeekWhence } from '@qga/core';
import { ioBuffers } from '@qga/core/internal';
import { blockDeviceSize } from './block-device-size.js';
import { nativeAvailable, readFileAt, seekFile, writeFileAt } from '@qga/native-linux';

const INT64_MAX = 2n ** 63n - 1n;
/** Largest position Node's fs addresses exactly; beyond it I/O goes through native-file-io.ts. */
const NODE_MAX_POSITION = BigInt(Number.MAX_SAFE_INTEGER);

/** Reads from pipes and devices go in pieces of this size. */
const STREAM_CHUNK = 1024 * 1024;

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

  async read(count: number): Promise<RawRead> {
    if (count <= 0) return { data: Buffer.alloc(0), eof: false };
    if (this.kind === 'stream') return this.readStream(count);

    // One buffer of `count` bytes from the pool, filled by pread until full or
    // a read returns nothing (end of file, as fread sees it). Untouched pages of
    // a large count on a small file cost no memory, and the caller gives the
    // buffer back once the reply is encoded, so a transfer allocates nothing.
    const buf = ioBuffers.take(count);
    let got = 0;
    let eof = false;
    try {
      while (got < count) {
        const bytesRead = await this.readAt(got === 0 ? buf : buf.subarray(got), count - got, this.pos);
        if (bytesRead === 0) {
          eof = true;
          break;
        }
        got += bytesRead;
        this.pos += BigInt(bytesRead);
      }
    } catch (e) {
      ioBuffers.give(buf);
      throw e;
    }
    const data = got === count ? buf : buf.subarray(0, got);
    return ioBuffers.owns(buf) ? { data, eof, recycle: () => ioBuffers.give(buf) } : { data, eof };
  }

  /** Non-blocking read at the kernel offset: returns what is available now; EOF only when the writer side is gone. */
  private async readStream(count: number): Promise<RawRead> {
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
      const position = this.kind === 'stream' || this.append ? null : this.pos;
      let n: number;
      try {
        n = await this.writeAt(data, done, data.length - done, position);
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

  /**
   * lseek semantics, exactly: the new position must be a valid int64 and one
   * the file system accepts (ext4 refuses positions past 16 TiB with EINVAL),
   * which only the kernel knows, so the position is checked by lseek(2) itself.
   */
  async seek(offset: bigint, whence: SeekWhence): Promise<bigint> {
    if (this.kind === 'stream') throw errnoError('ESPIPE', 'lseek');
    if (nativeAvailable()) {
      if (whence === 2) return (this.pos = seekFile(this.fh.fd, offset, 2));
      const target = whence === 1 ? this.pos + offset : offset;
      if (whence !== 0 && whence !== 1) throw errnoError('EINVAL', 'lseek');
      // The kernel sees SEEK_CUR as a signed 64-bit sum: past INT64_MAX it is negative, EINVAL.
      if (target < 0n || target > INT64_MAX) throw errnoError('EINVAL', 'lseek');
      return (this.pos = seekFile(this.fh.fd, target, 0));
    }
    return this.seekWithoutNative(offset, whence);
  }

  /** Without the native layer: int64 rules only, and no position Node's fs cannot reach. */
  private async seekWithoutNative(offset: bigint, whence: SeekWhence): Promise<bigint> {
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
    if (next < 0n || next > NODE_MAX_POSITION) throw errnoError('EINVAL', 'lseek');
    this.pos = next;
    return next;
  }

  /** pread at an exact 64-bit position. */
  private async readAt(buf: Buffer, length: number, position: bigint): Promise<number> {
    if (position + BigInt(length) <= NODE_MAX_POSITION) return (await this.fh.read(buf, 0, length, Number(position))).bytesRead;
    return readFileAt(this.fh.fd, buf, length, position);
  }

  /** pwrite at an exact 64-bit position, or write at the kernel's offset (null: streams, O_APPEND). */
  private async writeAt(data: Buffer, offset: number, length: number, position: bigint | null): Promise<number> {
    if (position === null || position + BigInt(length) <= NODE_MAX_POSITION) {
      return (await this.fh.write(data, offset, length, position === null ? null : Number(position))).bytesWritten;
    }
    return writeFileAt(this.fh.fd, data.subarray(offset, offset + length), position);
  }

  /** Nothing is buffered in user space: every write already reached the kernel. */
  async flush(): Promise<void> {}

  async close(): Promise<void> {
    await this.fh.close();
  }
}
