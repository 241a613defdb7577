import { libcFunction, nativeAvailable, nativeLoaded } from './libc.js';

let armed = false;

/**
 * Called by whoever parks a blocking read in libuv's pool (transport-virtio,
 * when it opens a device): only then does exitNow skip Node's normal exit.
 * Elsewhere the normal exit stays, with what it does at the end (--cpu-prof
 * profiles, NODE_V8_COVERAGE data).
 */
export function armExitNow(): void {
  armed = true;
  nativeAvailable();
}

/**
 * Ends the process at once with `code` through _exit(2), skipping the C
 * library's exit handlers. Why: at a normal exit libuv joins its thread-pool
 * threads, and a read parked in the pool on a tty or a virtio-serial port with
 * a connected host never returns (closing the descriptor does not wake it), so
 * a stopped agent would hang until SIGKILL. Returns false (and does nothing)
 * unless armExitNow() was called and the native layer is loaded already (a
 * process that never opened a device loads nothing at exit), or when it
 * cannot be; the caller then exits the usual way.
 */
export function exitNow(code: number): boolean {
  if (!armed || !nativeLoaded()) return false;
  let exit: (status: number) => void;
  try {
    exit = libcFunction('void _exit(int status)') as (status: number) => void;
  } catch {
    return false;
  }
  exit(code);
  return true; // not reached
}
