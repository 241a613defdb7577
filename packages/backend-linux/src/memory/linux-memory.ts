import { closeSync, constants as fsConstants, openSync, readSync, statSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { constants } from 'node:os';
import { join } from 'node:path';
import { inject, injectable, optional } from 'inversify';
import { QgaError, type GuestMemoryBlock, type GuestMemoryBlockInfo, type GuestMemoryBlockResponse, type MemoryPort } from '@qga/core';
import { errnoOf, errorText, isEnoent } from '@qga/core/internal';
import { IO_CONCURRENCY, mapLimit } from '../proc/map-limit.js';
import { listDir } from '../proc/fs-read.js';
import { keptOpenFiles } from '../proc/kept-open-files.js';
import { resolveInventoryConfig, type LinuxInventoryConfig, type LinuxInventoryOptions } from '../proc/inventory-config.js';
import { memoryBlockFromFiles, memoryBlockIndexes, parseBlockSizeBytes, uint } from './memory-block-parser.js';
import { LINUX_TOKENS } from '../tokens.js';

/**
 * Read a sysfs attribute like upstream's ga_read_sysfs_file: undefined = ENOENT,
 * other errors carry upstream's text. Synchronous, as upstream: sysfs answers
 * from memory, and a libuv pool round trip per call cost more than the read.
 */
async function readAttr(dir: string, name: string, size: number): Promise<string | undefined> {
  let fd: number;
  try {
    fd = openSync(join(dir, name), fsConstants.O_RDONLY);
  } catch (e) {
    if (isEnoent(e)) return undefined;
    throw new QgaError(`open sysfs file "${name}": ${errorText(e)}`);
  }
  try {
    const buf = Buffer.alloc(size);
    let n: number;
    try {
      n = readSync(fd, buf, 0, size, 0);
    } catch (e) {
      throw new QgaError(`pread sysfs file "${name}": ${errorText(e)}`);
    }
    if (n === 0) throw new QgaError(`pread sysfs file "${name}": unexpected EOF`);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/** The attribute through a kept-open descriptor; undefined on any failure (then readAttr's own path reports it). */
function readAttrKept(path: string, size: number): string | undefined {
  try {
    const text = keptOpenFiles.readText(path).slice(0, size);
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

/** guest-get/set-memory-blocks and guest-get-memory-block-info on Linux. */
@injectable()
export class LinuxMemory implements MemoryPort {
  private readonly cfg: LinuxInventoryConfig;

  constructor(@inject(LINUX_TOKENS.InventoryConfig) @optional() config?: LinuxInventoryOptions) {
    this.cfg = resolveInventoryConfig(config);
  }

  /** With the trailing slash upstream prints in its messages. */
  private get memDir(): string {
    return `${join(this.cfg.sysRoot, 'devices/system/memory')}/`;
  }

  private blockDir(index: bigint): string {
    return `${this.memDir}memory${index}/`;
  }

  async blocks(): Promise<GuestMemoryBlock[]> {
    let entries;
    try {
      entries = await listDir(this.memDir);
    } catch (e) {
      // No memory directory: a guest without memory hotplug, not an error.
      if (isEnoent(e)) return [];
      throw new QgaError(`Can't open directory"${this.memDir}": ${errorText(e)}`);
    }
    const indexes = memoryBlockIndexes(entries.map((e) => ({ name: e.name, isDir: e.type === 'dir' })));
    if (indexes.length === 0) throw new QgaError('guest reported zero memory blocks!');
    // Hundreds of blocks on big guests: read them all at once, report in readdir order.
    return mapLimit(indexes, IO_CONCURRENCY, (i) => this.readBlock(i));
  }

  private async readBlock(index: bigint): Promise<GuestMemoryBlock> {
    const dir = this.blockDir(index);
    // Both attributes at once; the directory itself is only checked when `state` is missing
    // (it came from readdir, so it is normally there).
    const [state, removable] = await Promise.all([
      readAttr(dir, 'state', 10).then(
        (v) => ({ v }),
        (error: unknown) => ({ error }),
      ),
      readAttr(dir, 'removable', 1).then(
        (v) => ({ v }),
        (error: unknown) => ({ error }),
      ),
    ]);
    if ('error' in state) throw state.error;
    if (state.v === undefined) {
      try {
        await stat(dir);
      } catch (e) {
        throw new QgaError(`open("${dir}"): ${errorText(e)}`);
      }
      return memoryBlockFromFiles(index, undefined, undefined);
    }
    if ('error' in removable) throw removable.error;
    return memoryBlockFromFiles(index, state.v, removable.v);
  }

  /**
   * One entry of guest-set-memory-blocks. `error-code` is the errno behind a
   * failure. Deviation: when the `state` file is missing and "online" is
   * requested, upstream answers success *with* error-code ENOENT; we answer
   * plain success (the block is online, nothing failed).
   */
  async setBlock(block: { physIndex: bigint; online: boolean }): Promise<GuestMemoryBlockResponse> {
    const physIndex = uint(block.physIndex);
    const fail = (response: GuestMemoryBlockResponse['response'], err: unknown): GuestMemoryBlockResponse => ({
      'phys-index': physIndex,
      response,
      'error-code': errnoOf(err) ?? constants.errno.EIO,
    });
    try {
      await stat(this.memDir);
    } catch (e) {
      return fail(isEnoent(e) ? 'operation-not-supported' : 'operation-failed', e);
    }
    const dir = this.blockDir(block.physIndex);
    try {
      await stat(dir);
    } catch (e) {
      return fail(isEnoent(e) ? 'not-found' : 'operation-failed', e);
    }
    const statePath = join(dir, 'state');
    let current: string;
    try {
      const fh = await open(statePath, fsConstants.O_RDONLY);
      try {
        const buf = Buffer.alloc(10);
        const { bytesRead } = await fh.read(buf, 0, 10, 0);
        if (bytesRead === 0) return fail('operation-failed', { code: 'EIO' });
        current = buf.subarray(0, bytesRead).toString('latin1');
      } finally {
        await fh.close().catch(() => undefined);
      }
    } catch (e) {
      if (isEnoent(e)) return block.online ? { 'phys-index': physIndex, response: 'success' } : fail('operation-not-supported', e);
      return fail('operation-failed', e);
    }
    if (current.startsWith('online') === block.online) return { 'phys-index': physIndex, response: 'success' };
    try {
      const fh = await open(statePath, fsConstants.O_WRONLY);
      try {
        await fh.write(block.online ? 'online' : 'offline', 0);
      } finally {
        await fh.close().catch(() => undefined);
      }
    } catch (e) {
      return fail('operation-failed', e);
    }
    return { 'phys-index': physIndex, response: 'success' };
  }

  async blockInfo(): Promise<GuestMemoryBlockInfo> {
    const dir = this.memDir;
    // The usual case first: the attribute reads, so the directory exists (its checks below only name a failure).
    const text0 = readAttrKept(join(dir, 'block_size_bytes'), 20);
    if (text0 !== undefined) return { size: uint(parseBlockSizeBytes(text0)) };
    try {
      const st = statSync(dir);
      if (!st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    } catch (e) {
      throw new QgaError(`open("${dir}"): ${errorText(e)}`);
    }
    const text = await readAttr(dir, 'block_size_bytes', 20);
    if (text === undefined) throw new QgaError(`open sysfs file "block_size_bytes": ${errorText({ code: 'ENOENT' })}`);
    return { size: uint(parseBlockSizeBytes(text)) };
  }
}
