import { createRequire } from 'node:module';
import { errnoError } from '@qga/core';
import { errnoCode } from '@qga/core/internal';

/** The part of koffi this package uses (typed locally: one lazy require, no type import at load time). */
export interface Koffi {
  load(path: string | null): KoffiLib;
  errno(): number;
  view(ptr: unknown, length: number): ArrayBuffer;
  address(ptr: unknown): bigint;
  decode(ptr: unknown, type: string, length?: number): unknown;
  decode(ptr: unknown, offset: number, type: string, length?: number): unknown;
  alloc(type: string, length: number): bigint;
  free(ptr: bigint): void;
}
export interface KoffiFn {
  (...args: unknown[]): unknown;
  async(...args: unknown[]): void;
}
export interface KoffiLib {
  func(prototype: string): KoffiFn;
  symbol(name: string, type: string): unknown;
}

/** koffi (or its prebuilt binary for this platform) could not be loaded: native calls are unavailable. */
export class NativeUnavailableError extends Error {
  readonly code = 'ENATIVE';
}

let koffi: Koffi | undefined;
let libc: KoffiLib | undefined;
let failure: Error | undefined;
const fns = new Map<string, KoffiFn>();

/** Environment variable that makes the native layer refuse to load (tests of the no-koffi path). */
export const NATIVE_DISABLE_ENV = 'QGA_NO_NATIVE';

/** Whether koffi and libc are loaded already (asking loads nothing). */
export function nativeLoaded(): boolean {
  return koffi !== undefined && libc !== undefined;
}

/**
 * Load koffi and libc once, on first use (the agent starts without them; each
 * command that needs them fails with this error instead).
 */
export function loadKoffi(): { koffi: Koffi; libc: KoffiLib } {
  if (koffi !== undefined && libc !== undefined) return { koffi, libc };
  if (failure !== undefined) throw failure;
  try {
    if (process.platform !== 'linux') throw new Error(`this is ${process.platform}, not Linux`);
    if (process.env[NATIVE_DISABLE_ENV] === '1') throw new Error(`${NATIVE_DISABLE_ENV}=1`);
    const k = createRequire(import.meta.url)('koffi') as Koffi;
    // glibc's soname; musl's libc.so is the dynamic loader itself.
    let lib: KoffiLib | undefined;
    let lastError: unknown;
    for (const name of ['libc.so.6', 'libc.so', `/lib/ld-musl-${process.arch === 'x64' ? 'x86_64' : 'aarch64'}.so.1`]) {
      try {
        lib = k.load(name);
        break;
      } catch (e) {
        lastError = e;
      }
    }
    if (lib === undefined) throw lastError instanceof Error ? lastError : new Error('libc not found');
    koffi = k;
    libc = lib;
    return { koffi: k, libc: lib };
  } catch (e) {
    failure = new NativeUnavailableError(
      `native calls are unavailable (koffi could not be loaded: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
    );
    throw failure;
  }
}

/** A libc function by C prototype, bound once. */
export function libcFunction(prototype: string): KoffiFn {
  let f = fns.get(prototype);
  if (f === undefined) {
    f = loadKoffi().libc.func(prototype);
    fns.set(prototype, f);
  }
  return f;
}

/** errno of the last native call (inside an async callback: the worker's errno, which koffi carries over). */
export function lastErrno(): number {
  return loadKoffi().koffi.errno();
}

/** A Node-style system error for a failed call: `code` = errno name, `syscall`, optional `path`. */
export function sysError(errno: number, syscall: string, path?: string): NodeJS.ErrnoException {
  return errnoError(errnoCode(errno) ?? `E${errno}`, syscall, path);
}

/** Run a bound function on libuv's pool; resolve with its return value and the errno it left. */
export function callAsync(fn: KoffiFn, ...args: unknown[]): Promise<{ result: number; errno: number }> {
  return new Promise((resolve, reject) => {
    fn.async(...args, (err: unknown, result: number) => {
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve({ result, errno: result < 0 ? lastErrno() : 0 });
    });
  });
}

/** True when the native layer loads on this machine (for tests and diagnostics). */
export function nativeAvailable(): boolean {
  try {
    loadKoffi();
    return true;
  } catch {
    return false;
  }
}
