import type { RawFile, RawRead, SeekWhence } from '../ports/files-port.js';
import { QgaError } from '../protocol/qga-error.js';
import { errorCode, errorText } from '../util/strerror.js';

type RwState = 'new' | 'reading' | 'writing';

/**
 * The stdio behaviour qemu-ga's file commands show on the wire, over a raw
 * file: a read after a write flushes first, a write after a read
 * repositions first (`seek(0, cur)`), and `eof` is what feof() says right
 * after the operation. qemu-ga calls clearerr() after every read, write and
 * seek, so end-of-file is never sticky between commands: a file that grew
 * since the last read returns the new bytes (checked against qemu-ga 7.2).
 */
export class StdioFile {
  private state: RwState = 'new';

  constructor(private readonly raw: RawFile) {}

  /** fread(count): loops until `count` bytes, end of file, or nothing more available right now. */
  async read(count: number): Promise<RawRead> {
    if (this.state === 'writing') {
      await this.flushRaw();
      this.state = 'new';
    }
    if (count === 0) {
      this.state = 'reading';
      return { data: Buffer.alloc(0), eof: false };
    }
    const chunks: RawRead[] = [];
    let total = 0;
    let eof = false;
    while (total < count) {
      let r: RawRead;
      try {
        r = await this.raw.read(count - total);
      } catch (e) {
        // qemu-ga drops bytes already read when a later read fails (EAGAIN on a
        // FIFO); returning them is strictly more useful and still truthful.
        if (total > 0) break;
        throw new QgaError(`failed to read file: ${errorText(e)}`);
      }
      if (r.data.length > 0) {
        chunks.push(r);
        total += r.data.length;
      } else r.recycle?.();
      if (r.eof) {
        eof = true;
        break;
      }
      if (r.data.length === 0) break; // nothing available now (non-blocking pipe)
      if (this.raw.singleRead === true) break; // one ReadFile per request (Windows)
    }
    this.state = 'reading';
    if (chunks.length === 1) return { data: chunks[0]!.data, eof, recycle: chunks[0]!.recycle };
    const data = Buffer.concat(
      chunks.map((c) => c.data),
      total,
    );
    for (const c of chunks) c.recycle?.();
    return { data, eof };
  }

  /** Called before decoding the data to write, where qemu-ga repositions. */
  async prepareWrite(): Promise<void> {
    if (this.state !== 'reading') return;
    try {
      await this.raw.seek(0n, 1);
    } catch (e) {
      throw new QgaError(`failed to seek file: ${errorText(e)}`);
    }
    this.state = 'new';
  }

  async write(data: Buffer): Promise<{ count: number; eof: boolean }> {
    await this.prepareWrite();
    let count = 0;
    if (data.length > 0) {
      try {
        count = await this.raw.write(data);
      } catch (e) {
        throw new QgaError(`failed to write to file: ${errorText(e)}`);
      }
    }
    this.state = 'writing';
    // feof() after fwrite is always false: the flag was cleared after the last read.
    return { count, eof: false };
  }

  async seek(offset: bigint, whence: SeekWhence): Promise<{ position: bigint; eof: boolean }> {
    try {
      const position = await this.raw.seek(offset, whence);
      this.state = 'new';
      return { position, eof: false };
    } catch (e) {
      if (errorCode(e) === 'ESPIPE') this.state = 'new';
      throw new QgaError(`failed to seek file: ${errorText(e)}`);
    }
  }

  async flush(): Promise<void> {
    await this.flushRaw();
    this.state = 'new';
  }

  async close(): Promise<void> {
    try {
      await this.raw.close();
    } catch (e) {
      throw new QgaError(`failed to close handle: ${errorText(e)}`);
    }
  }

  private async flushRaw(): Promise<void> {
    try {
      await this.raw.flush();
    } catch (e) {
      throw new QgaError(`failed to flush file: ${errorText(e)}`);
    }
  }
}
