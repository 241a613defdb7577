import { constants } from 'node:fs';
import { open, opendir, readFile, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { isEnoent } from '@qga/core';

export type EntryType = 'dir' | 'link' | 'file' | 'other';

export interface DirEntry {
  readonly name: string;
  readonly type: EntryType;
}

/**
 * A directory's entries in the kernel's readdir order (opendir, not readdir:
 * libuv's scandir sorts names, and qemu-ga reports raw readdir order).
 */
export async function listDir(path: string): Promise<DirEntry[]> {
  const dir = await opendir(path);
  const out: DirEntry[] = [];
  for await (const d of dir) {
    const type: EntryType = d.isSymbolicLink() ? 'link' : d.isDirectory() ? 'dir' : d.isFile() ? 'file' : 'other';
    out.push({ name: d.name, type });
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
  return readFile(path, 'utf8');
}

/** The file's text, or undefined when it cannot be read for any reason. */
export async function readTextOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

export async function readBytesOrUndefined(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/** Basename of a symlink's target (sysfs `driver` links), undefined if it is not a readable link. */
export async function linkBasename(path: string): Promise<string | undefined> {
  try {
    return basename(await readlink(path));
  } catch {
    return undefined;
  }
}

export async function realpathOrError(path: string): Promise<{ path: string } | { error: unknown }> {
  try {
    return { path: await realpath(path) };
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
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    const st = await fh.stat();
    if (!st.isFile() || st.size > maxBytes) return undefined;
    return await fh.readFile();
  } catch {
    return undefined;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/**
 * A sysfs attribute's text, or undefined: one open, one read, one close
 * (attributes are at most a page and come whole from the first read), about
 * half the pool round trips of readFile — it matters with hundreds of devices.
 */
export async function readAttribute(path: string): Promise<string | undefined> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, constants.O_RDONLY);
    const buf = Buffer.allocUnsafe(8192);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.toString('utf8', 0, bytesRead);
  } catch {
    return undefined;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
