import { libcFunction, nativeLoaded } from './libc.js';

/**
 * Ends the process at once with `code` through _exit(2), skipping the C
 * library's exit handlers. Why: at a normal exit libuv joins its thread-pool
 * threads, and a read parked in the pool on a tty or a virtio-serial port with
 * a connected host never returns (closing the descriptor does not wake it), so
 * a stopped agent would hang until SIGKILL. Returns false (and does nothing)
 * when the native layer is not loaded already — a process that never opened a
 * device (transport-virtio loads it when it opens one) loads nothing at exit —
 * or cannot be; the caller then exits the usual way.
 */
export function exitNow(code: number): boolean {
  if (!nativeLoaded()) return false;
  let exit: (status: number) => void;
  try {
    exit = libcFunction('void _exit(int status)') as (status: number) => void;
  } catch {
    return false;
  }
  exit(code);
  return true; // not reached
}
