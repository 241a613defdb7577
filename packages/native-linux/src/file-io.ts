import { errnoError } from '@qga/core';
import { errnoCode } from '@qga/core/internal';
import { libcFunction, lastErrno } from './libc.js';

/**
 * lseek(2), pread(2) and pwrite(2) with 64-bit offsets. Node's fs cannot
 * express file positions at or above 2^53 (it silently falls back to the
 * current offset there), so positions that large go through these calls.
 * Synchronous on purpose: only regular files at offsets of 8 PiB and more
 * come here (a sparse file's page-cache I/O, not a device that can block).
 * Each throws the errno as a Node-style error, or NativeUnavailableError.
 */
export function seekFile(fd: number, offset: bigint, whence: number): bigint {
  const r = BigInt(libcFunction('int64_t lseek64(int fd, int64_t offset, int whence)')(fd, offset, whence) as number | bigint);
  if (r < 0n) throw errnoError(errnoCode(lastErrno()) ?? 'EIO', 'lseek');
  return r;
}

export function readFileAt(fd: number, buf: Buffer, length: number, position: bigint): number {
  const n = Number(
    libcFunction('intptr_t pread64(int fd, _Out_ uint8_t *buf, size_t count, int64_t offset)')(fd, buf, length, position) as
      number | bigint,
  );
  if (n < 0) throw errnoError(errnoCode(lastErrno()) ?? 'EIO', 'pread');
  return n;
}

export function writeFileAt(fd: number, buf: Buffer, position: bigint): number {
  const n = Number(
    libcFunction('intptr_t pwrite64(int fd, const uint8_t *buf, size_t count, int64_t offset)')(fd, buf, buf.length, position) as
      number | bigint,
  );
  if (n < 0) throw errnoError(errnoCode(lastErrno()) ?? 'EIO', 'pwrite');
  return n;
}
