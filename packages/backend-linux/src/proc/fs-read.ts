import { closeSync, constants, fstatSync, openSync, opendirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { errnoOf, isEnoent } from '@qga/core/internal';
import { listDirectory } from '@qga/native-linux';
import { keptOpenFiles } from './kept-open-files.js';

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

/** d_type values (DT_DIR, DT_REG, DT_LNK) as the types opendir's Dirent reports. */
const DT_TYPES: Readonly<Record<number, EntryType>> = { 4: 'dir', 8: 'file', 10: 'link' };

/**
 * A directory's entries in the kernel's readdir order (opendir, not readdir:
 * libuv's scandir sorts names, and qemu-ga reports raw readdir order).
 */
export async function listDir(path: string): Promise<DirEntry[]> {
  return listDirSync(path);
}

/** false once the native listing turned out to be unavailable here (no koffi, no getdents64 in this libc). */
let nativeListing = true;

function listDirSync(path: string): DirEntry[] {
  if (nativeListing) {
    try {
      return listDirectory(path).map((e) => ({ name: e.name, type: DT_TYPES[e.type] ?? 'other' }));
    } catch (e) {
      if (errnoOf(e) !== undefined) throw e;
      nativeListing = false;
    }
  }
  return listDirViaOpendir(path);
}

function listDirViaOpendir(path: string): DirEntry[] {
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
  return keptOpenFiles.readText(path);
}

/** readText without the promise, for callers that are synchronous themselves. */
export function readTextSync(path: string): string {
  return keptOpenFiles.readText(path);
}

/** The file's text, or undefined when it cannot be read for any reason. */
export async function readTextOrUndefined(path: string): Promise<string | undefined> {
  try {
    return keptOpenFiles.readText(path);
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
    // Number stat, no exception for a missing file: the BigInt stat and its key cost more than the rest of
    // guest-get-osinfo. mtimeMs/ctimeMs keep sub-microsecond resolution at today's dates.
    let key: string;
    try {
      const st = statSync(path, { throwIfNoEntry: false });
      if (st === undefined) {
        this.entries.delete(path);
        return undefined;
      }
      key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.mode}`;
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

/**
 * A sysfs attribute's text, or undefined (read through a kept-open
 * descriptor, see KeptOpenFiles; a missing one costs an access(), not an exception).
 */
export async function readAttribute(path: string): Promise<string | undefined> {
  try {
    return keptOpenFiles.readTextIfExists(path);
  } catch {
    return undefined;
  }
}
