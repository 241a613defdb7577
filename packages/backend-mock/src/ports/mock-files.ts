import { errnoError, type FilesPort, type FopenMode, type RawFile, type SeekWhence } from '@qga/core';
import type { FailureQueue } from '../failures.js';
import { MAX_FILE_SIZE, type MockFileSystem, type MockNode } from '../mock-fs.js';

/** An open file of the mock filesystem: lseek/read/write semantics on its bytes. */
class MockRawFile implements RawFile {
  private position = 0n;
  private closed = false;

  constructor(
    private readonly node: MockNode,
    private readonly readable: boolean,
    private readonly writable: boolean,
    private readonly append: boolean,
    private readonly failures: FailureQueue,
  ) {}

  async read(count: number): Promise<{ data: Buffer; eof: boolean }> {
    this.failures.check('file.read');
    if (this.closed || !this.readable) throw errnoError('EBADF');
    const node = this.node;
    if (node.kind === 'dir') throw errnoError('EISDIR');
    if (node.kind === 'fifo') {
      if (node.queue.length === 0) {
        if (node.writerClosed) return { data: Buffer.alloc(0), eof: count > 0 };
        throw errnoError('EAGAIN'); // non-blocking, nothing written yet
      }
      const all = Buffer.concat(node.queue);
      node.queue.length = 0;
      const data = all.subarray(0, count);
      if (all.length > count) node.queue.push(all.subarray(count));
      return { data: Buffer.from(data), eof: false };
    }
    const start = this.position >= BigInt(node.size) ? node.size : Number(this.position);
    const n = Math.min(count, node.size - start);
    const data = Buffer.from(node.data.subarray(start, start + n)); // a copy: later writes must not change it
    this.position += BigInt(n);
    return { data, eof: n < count };
  }

  async write(data: Buffer): Promise<number> {
    this.failures.check('file.write');
    if (this.closed || !this.writable) throw errnoError('EBADF');
    const node = this.node;
    if (node.kind === 'dir') throw errnoError('EISDIR');
    if (node.kind === 'fifo') {
      node.queue.push(Buffer.from(data));
      return data.length;
    }
    if (this.append) this.position = BigInt(node.size);
    const end = this.position + BigInt(data.length);
    if (end > BigInt(MAX_FILE_SIZE)) throw errnoError('EFBIG');
    const start = Number(this.position);
    node.ensure(Number(end));
    if (start > node.size) node.data.fill(0, node.size, start); // a hole reads as zeros
    data.copy(node.data, start);
    node.size = Math.max(node.size, Number(end));
    this.position = end;
    return data.length;
  }

  async seek(offset: bigint, whence: SeekWhence): Promise<bigint> {
    this.failures.check('file.seek');
    if (this.closed) throw errnoError('EBADF');
    if (this.node.kind === 'fifo') throw errnoError('ESPIPE');
    const base = whence === 0 ? 0n : whence === 1 ? this.position : BigInt(this.node.kind === 'file' ? this.node.size : 0);
    const next = base + offset;
    if (next < 0n || next > 2n ** 63n - 1n) throw errnoError('EINVAL');
    this.position = next;
    return next;
  }

  async flush(): Promise<void> {
    this.failures.check('file.flush');
    if (this.closed) throw errnoError('EBADF');
  }

  async close(): Promise<void> {
    this.failures.check('file.close');
    if (this.closed) throw errnoError('EBADF');
    this.closed = true;
  }
}

export class MockFiles implements FilesPort {
  constructor(
    private readonly fs: MockFileSystem,
    private readonly failures: FailureQueue,
  ) {}

  async open(path: string, mode: FopenMode): Promise<RawFile> {
    this.failures.check('files.open');
    const { node, readable, writable, append } = this.fs.open(path, mode);
    return new MockRawFile(node, readable, writable, append, this.failures);
  }
}
