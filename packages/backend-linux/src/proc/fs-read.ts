import { closeSync, constants, fstatSync, openSync, opendirSync, readFileSync, readlinkSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { isEnoent } from '@qga/core/internal';

export type EntryType = 'dir' | 'link' | 'file' | 'other';

export interface DirEntry {
  readonly name: string;
  readonly type: EntryType;
}

// Why synchronous: these readers serve procfs, sysfs and small state files,
// which the kernel answers from memory in microseconds. Each async fs call is
// a round trip through libuv's pool (open, read, close: three), which made
// every inventory command several times slower than qemu-ga's plain read().
// Anything that can block for long (statfs of a network mount, a FIFO named
// by $TZ) keeps its own async, bounded reader.

/**
 * A directory's entries in the kernel's readdir order (opendir, not readdir:
 * libuv's scandir sorts names, and qemu-ga reports raw readdir order).
 */
export async function listDir(path: string): Promise<DirEntry[]> {
  return listDirSync(path);
}

function listDirSync(path: string): DirEntry[] {
  const dir = opendirSync(path, { bufferSize: 128 });
  const out: DirEntry[] = [];
  try {
    for (let d = dir.readSync(); d !== null; d = dir.readSync()) {
      const type: EntryType = d.isSymbolicLink() ? 'link' : d.isDirectory() ? 'dir' : d.isFile() ? 'file' : 'other';
      out.push({ name: d.name, type });
    }
  } finally {
    dir.closeSync();
  }
  return out;
}

/** listDir, or undefined when the directory does not exist. */
export async function listDirIfExists(path: string): Promise<DirEntry[] | undefined> {
  try {
    return await listDir(path);
  } catch (e) {
    if (isEnoent(e)) return undefined;
    throw e;
  }
}

export async function readText(path: string): Promise<string> {
  return readFileSync(path, 'utf8');
}

/** The file's text, or undefined when it cannot be read for any reason. */
export async function readTextOrUndefined(path: string): Promise<string | undefined> {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export async function readBytesOrUndefined(path: string): Promise<Buffer | undefined> {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Basename of a symlink's target (sysfs `driver` links), undefined if it is not a readable link. */
export async function linkBasename(path: string): Promise<string | undefined> {
  try {
    return basename(readlinkSync(path));
  } catch {
    return undefined;
  }
}

export async function realpathOrError(path: string): Promise<{ path: string } | { error: unknown }> {
  try {
    return { path: realpathSync.native(path) };
  } catch (error) {
    return { error };
  }
}

/**
 * Read a regular file of at most `maxBytes`, or undefined. Opened with
 * O_NONBLOCK and checked with fstat first, so a FIFO or device named by a
 * user-controlled path ($TZ, $QGA_OS_RELEASE) cannot hang the agent.
 */
export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer | undefined> {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * What a small, rarely changing file (os-release, a zone file) parses to,
 * recomputed only when stat() shows the file changed (device, inode, size,
 * mtime or ctime): a renamed-over or edited file is seen at the next call,
 * for the price of one stat.
 */
export class StatKeyedCache<T> {
  private readonly entries = new Map<string, { key: string; value: T | undefined }>();

  constructor(private readonly maxBytes: number) {}

  async get(path: string, parse: (bytes: Buffer) => T | undefined): Promise<T | undefined> {
    let key: string;
    try {
      const st = statSync(path, { bigint: true });
      key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.mode}`;
    } catch {
      this.entries.delete(path);
      return undefined;
    }
    const hit = this.entries.get(path);
    if (hit !== undefined && hit.key === key) return hit.value;
    const bytes = await readRegularFile(path, this.maxBytes);
    const value = bytes === undefined ? undefined : parse(bytes);
    if (this.entries.size > 64) this.entries.clear();
    this.entries.set(path, { key, value });
    return value;
  }
}

const attributeBuffer = Buffer.allocUnsafe(8192);

/**
 * A sysfs attribute's text, or undefined: one open, one read, one close
 * (attributes are at most a page and come whole from the first read).
 */
export async function readAttribute(path: string): Promise<string | undefined> {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const n = readSync(fd, attributeBuffer, 0, attributeBuffer.length, 0);
    return attributeBuffer.toString('utf8', 0, n);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
