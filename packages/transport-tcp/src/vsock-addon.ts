import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { errnoCode } from '@qga/core';

export interface NativeListener {
  /** Stop accepting; established connections live on until their sockets close. */
  close(): void;
}

/** (fd, "cid:port") for a connection, (-1, errno) when accept failed. */
export type NativeListenEvent = (fd: number, peerOrErrno: string | number) => void;

export interface VsockAddon {
  readonly VMADDR_CID_ANY: number;
  listenVsock(cid: number, port: number, backlog: number, onEvent: NativeListenEvent): NativeListener;
  /** The same accept-and-relay machinery on a unix socket path; lets tests exercise it without a vsock peer. */
  listenUnix(path: string, backlog: number, onEvent: NativeListenEvent): NativeListener;
}

/** Environment variable naming the addon file explicitly (e.g. next to a bundled agent). */
export const VSOCK_ADDON_ENV = 'QGA_VSOCK_ADDON';

const ADDON_FILE = 'qga_vsock.node';
let cached: VsockAddon | undefined;

function candidates(): string[] {
  const fromEnv = process.env[VSOCK_ADDON_ENV];
  if (fromEnv) return [fromEnv];
  return [
    // dist/src/vsock-addon.js → native/build/Release
    fileURLToPath(new URL(`../../native/build/Release/${ADDON_FILE}`, import.meta.url)),
    // copied next to a bundled script
    fileURLToPath(new URL(`./${ADDON_FILE}`, import.meta.url)),
  ];
}

/** Load the addon or throw an error that says what is missing and how to get it. */
export function loadVsockAddon(): VsockAddon {
  if (cached) return cached;
  if (process.platform !== 'linux') throw new Error(`vsock-listen is only available on Linux (this is ${process.platform})`);
  const paths = candidates();
  const found = paths.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `vsock-listen is unavailable: the native addon ${ADDON_FILE} was not built (looked for ${paths.join(', ')}). ` +
        'Build it with `npm run build:native -w @qga/transport-tcp` (needs python3, make, a C compiler and the Node headers), ' +
        `or point ${VSOCK_ADDON_ENV} at a built copy.`,
    );
  }
  try {
    cached = createRequire(import.meta.url)(found) as VsockAddon;
  } catch (err) {
    throw new Error(`vsock-listen is unavailable: loading ${found} failed: ${(err as Error).message}`);
  }
  return cached;
}

/** Turn the addon's `{ errno, syscall }` errors into Node-style errors with a `code`. */
export function toSystemError(err: unknown, context: string): Error {
  const e = err as { errno?: unknown; syscall?: unknown; message?: unknown };
  if (typeof e?.errno !== 'number') return err instanceof Error ? err : new Error(String(err));
  const code = errnoName(e.errno);
  const syscall = typeof e.syscall === 'string' ? e.syscall : 'vsock';
  return Object.assign(new Error(`${context}: ${syscall} ${code} (${String(e.message)})`), { code, errno: e.errno, syscall });
}

/** The errno's name (`EADDRINUSE`), or `E<n>` for a number no table knows. */
export function errnoName(errno: number): string {
  return errnoCode(errno) ?? `E${errno}`;
}
