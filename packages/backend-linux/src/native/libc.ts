import { createRequire } from 'node:module';
import type * as Koffi from 'koffi';

type Fn = Koffi.KoffiFunc<(...args: any[]) => unknown>;

/**
 * The C library calls the Linux backend makes where Node has no API, through
 * koffi: a prebuilt FFI, so nothing is compiled on the guest. Loaded on first
 * use; null where koffi or libc cannot be loaded (callers then fall back or
 * report the limitation).
 */
export interface Libc {
  readonly lseek64: Fn;
  readonly pread64: Fn;
  readonly pwrite64: Fn;
  readonly fcntl: Fn;
  /** errno of the last call on this thread. */
  errno(): number;
}

let loaded: Libc | null | undefined;

export function libc(): Libc | null {
  if (loaded !== undefined) return loaded;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof Koffi;
    const lib = koffi.load('libc.so.6');
    loaded = {
      lseek64: lib.func('int64_t lseek64(int fd, int64_t offset, int whence)'),
      pread64: lib.func('intptr_t pread64(int fd, _Out_ uint8_t *buf, size_t count, int64_t offset)'),
      pwrite64: lib.func('intptr_t pwrite64(int fd, const uint8_t *buf, size_t count, int64_t offset)'),
      fcntl: lib.func('int fcntl(int fd, int cmd, ...)'),
      errno: () => koffi.errno(),
    };
  } catch {
    loaded = null;
  }
  return loaded;
}
