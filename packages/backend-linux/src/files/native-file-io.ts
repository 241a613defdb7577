import { createRequire } from 'node:module';
import { errnoCode, errnoError } from '@qga/core';
import type * as Koffi from 'koffi';

/**
 * lseek(2), pread(2) and pwrite(2) with 64-bit offsets, through koffi (a
 * prebuilt FFI: nothing is compiled on the guest). Node's fs cannot express
 * file positions at or above 2^53 (it silently falls back to the current
 * offset there), so positions that large go through these calls; everything
 * below stays on Node's fs. Loaded on first use.
 */
export interface NativeFileIo {
  /** The kernel's own answer to lseek(fd, offset, whence); throws an errno error. */
  lseek(fd: number, offset: bigint, whence: number): bigint;
  pread(fd: number, buf: Buffer, length: number, position: bigint): number;
  pwrite(fd: number, buf: Buffer, offset: number, length: number, position: bigint): number;
}

let loaded: NativeFileIo | null | undefined;

/** The native calls, or null where koffi or libc cannot be loaded (then large offsets are refused with EINVAL). */
export function nativeFileIo(): NativeFileIo | null {
  if (loaded !== undefined) return loaded;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof Koffi;
    const libc = koffi.load('libc.so.6');
    const lseek = libc.func('int64_t lseek64(int fd, int64_t offset, int whence)');
    const pread = libc.func('intptr_t pread64(int fd, _Out_ uint8_t *buf, size_t count, int64_t offset)');
    const pwrite = libc.func('intptr_t pwrite64(int fd, const uint8_t *buf, size_t count, int64_t offset)');
    const fail = (call: string): Error => errnoError(errnoCode(koffi.errno()) ?? 'EIO', call);
    // Synchronous on purpose: errno is per thread, and only regular files at offsets of 8 PiB and
    // more come here (a sparse file's page-cache I/O, not a device that can block).
    const io = (fn: Koffi.KoffiFunc<(...args: any[]) => unknown>, call: string, ...args: unknown[]): number => {
      const r = Number(fn(...args) as number | bigint);
      if (r < 0) throw fail(call);
      return r;
    };
    loaded = {
      lseek(fd, offset, whence) {
        const r = BigInt(lseek(fd, offset, whence) as number | bigint);
        if (r < 0n) throw fail('lseek');
        return r;
      },
      pread: (fd, buf, length, position) => io(pread, 'pread', fd, buf, length, position),
      pwrite: (fd, buf, offset, length, position) => io(pwrite, 'pwrite', fd, buf.subarray(offset, offset + length), length, position),
    };
  } catch {
    loaded = null;
  }
  return loaded;
}
