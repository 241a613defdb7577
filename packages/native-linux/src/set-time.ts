import { endianness } from 'node:os';
import { lastErrno, libcFunction, sysError } from './libc.js';

/**
 * settimeofday(2) with microsecond resolution, as qemu-ga sets the clock
 * (nanoseconds floored to whole microseconds). Throws a system error
 * (`code` EPERM, EINVAL, ...) when the kernel refuses.
 */
export function setSystemTime(ns: bigint): void {
  const settimeofday = libcFunction('int settimeofday(void *tv, void *tz)');
  const { sec, usec } = timevalOf(ns);
  // struct timeval on the 64-bit ABIs koffi ships for: two 64-bit fields.
  const tv = Buffer.alloc(16);
  const le = endianness() === 'LE';
  if (le) {
    tv.writeBigInt64LE(sec, 0);
    tv.writeBigInt64LE(usec, 8);
  } else {
    tv.writeBigInt64BE(sec, 0);
    tv.writeBigInt64BE(usec, 8);
  }
  if ((settimeofday(tv, null) as number) < 0) throw sysError(lastErrno(), 'settimeofday');
}

/** ns since the epoch as a struct timeval: floored to whole microseconds (below the epoch too). */
export function timevalOf(ns: bigint): { sec: bigint; usec: bigint } {
  const total = ns >= 0n ? ns / 1000n : -((-ns + 999n) / 1000n);
  const sec = total >= 0n ? total / 1_000_000n : -((-total + 999_999n) / 1_000_000n);
  return { sec, usec: total - sec * 1_000_000n };
}
