import { open } from 'node:fs/promises';
import { endianness } from 'node:os';
import { callAsync, libcFunction, sysError } from './libc.js';

// _IOWR('X', 119, int), _IOWR('X', 120, int), _IOWR('X', 121, struct fstrim_range)
const FIFREEZE = 0xc0045877;
const FITHAW = 0xc0045878;
const FITRIM = 0xc0185879;

const ioctl = (): ReturnType<typeof libcFunction> => libcFunction('int ioctl(int fd, unsigned long request, void *arg)');

/**
 * Open `path` O_RDONLY (a mount point: a directory) and run one ioctl on it
 * off the event loop (a freeze syncs the filesystem first; a trim may take
 * minutes). Errors carry `syscall` 'open' or 'ioctl' and the errno `code`.
 */
async function ioctlOnPath(path: string, request: number, arg: Buffer | null): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const { result, errno } = await callAsync(ioctl(), fh.fd, request, arg);
    if (result < 0) throw sysError(errno, 'ioctl', path);
  } finally {
    await fh.close();
  }
}

/** FIFREEZE on the filesystem mounted at `path`. */
export function freezeFilesystem(path: string): Promise<void> {
  return ioctlOnPath(path, FIFREEZE, null);
}

/** FITHAW on the filesystem mounted at `path` (EINVAL when it was not frozen). */
export function thawFilesystem(path: string): Promise<void> {
  return ioctlOnPath(path, FITHAW, null);
}

/** What FITRIM wrote back: bytes trimmed, and the minimum extent the kernel used (it may raise it). */
export interface TrimRange {
  readonly trimmed: bigint;
  readonly minimum: bigint;
}

/** FITRIM over the whole filesystem at `path` (start 0, length ~0) with the given minimum extent. */
export async function trimFilesystem(path: string, minimum: bigint): Promise<TrimRange> {
  const le = endianness() === 'LE';
  const range = Buffer.alloc(24);
  const put = (v: bigint, at: number): number => (le ? range.writeBigUInt64LE(v, at) : range.writeBigUInt64BE(v, at));
  const get = (at: number): bigint => (le ? range.readBigUInt64LE(at) : range.readBigUInt64BE(at));
  put(0n, 0);
  put(0xffff_ffff_ffff_ffffn, 8);
  put(BigInt.asUintN(64, minimum), 16);
  await ioctlOnPath(path, FITRIM, range);
  return { trimmed: get(8), minimum: get(16) };
}
