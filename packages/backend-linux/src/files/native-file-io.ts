import { errnoCode, errnoError } from '@qga/core';
import { libc } from '../native/libc.js';

/**
 * lseek(2), pread(2) and pwrite(2) with 64-bit offsets. Node's fs cannot
 * express file positions at or above 2^53 (it silently falls back to the
 * current offset there), so positions that large go through these calls;
 * everything below stays on Node's fs.
 */
export interface NativeFileIo {
  /** The kernel's own answer to lseek(fd, offset, whence); throws an errno error. */
  lseek(fd: number, offset: bigint, whence: number): bigint;
  pread(fd: number, buf: Buffer, length: number, position: bigint): number;
  pwrite(fd: number, buf: Buffer, offset: number, length: number, position: bigint): number;
}

let cached: NativeFileIo | null | undefined;

/** The calls, or null without the native layer (then large offsets are refused with EINVAL). */
export function nativeFileIo(): NativeFileIo | null {
  if (cached !== undefined) return cached;
  const c = libc();
  if (c === null) return (cached = null);
  const fail = (call: string): Error => errnoError(errnoCode(c.errno()) ?? 'EIO', call);
  // Synchronous on purpose: errno is per thread, and only regular files at offsets of 8 PiB and
  // more come here (a sparse file's page-cache I/O, not a device that can block).
  const io = (r: unknown, call: string): number => {
    const n = Number(r as number | bigint);
    if (n < 0) throw fail(call);
    return n;
  };
  cached = {
    lseek(fd, offset, whence) {
      const r = BigInt(c.lseek64(fd, offset, whence) as number | bigint);
      if (r < 0n) throw fail('lseek');
      return r;
    },
    pread: (fd, buf, length, position) => io(c.pread64(fd, buf, length, position), 'pread'),
    pwrite: (fd, buf, offset, length, position) => io(c.pwrite64(fd, buf.subarray(offset, offset + length), length, position), 'pwrite'),
  };
  return cached;
}
