import type { DeviceIo } from '@qga/transport-virtio';
import { win32, type Handle } from '../win32/win32-api.js';
import { win32ErrorMessage } from '../win32/win32-error.js';
import { errnoForWin32, isHangup } from './win32-error-code.js';

const GENERIC_READ = 0x80000000;
const GENERIC_WRITE = 0x40000000;
const OPEN_EXISTING = 3;
const FILE_FLAG_OVERLAPPED = 0x40000000;
const ERROR_IO_PENDING = 997;
const ERROR_ACCESS_DENIED = 5;
const INVALID_HANDLE_VALUE = -1;

/** How win32DeviceIo opens the port. */
export interface Win32DeviceIoOptions {
  /** A COM port: set ReadIntervalTimeout=1 as qemu-ga does, so a read returns what has arrived. */
  readonly comPort?: boolean;
  /** Attempts while CreateFileW says "access denied" (the port still held after a host reconnect). Default 10. */
  readonly accessDeniedAttempts?: number;
  /** First wait between those attempts, doubled each time (default 100 ms). */
  readonly accessDeniedDelayMs?: number;
}

function win32Failure(what: string, code: number): Error {
  return Object.assign(new Error(`${what}: ${win32ErrorMessage(code)}`), { code: errnoForWin32(code), win32: code });
}

/** One overlapped operation: its OVERLAPPED (hEvent at +24) and event, waited for on libuv's pool. */
async function overlapped(handle: Handle, start: (ovl: Buffer) => number, what: string): Promise<number> {
  const api = win32();
  const event = api.CreateEventW(null, 1, 0, null);
  if (!event) throw win32Failure('CreateEventW', api.GetLastError());
  const ovl = Buffer.alloc(32);
  ovl.writeBigInt64LE(BigInt(event), 24);
  try {
    if (!start(ovl)) {
      const code = api.GetLastError();
      if (code !== ERROR_IO_PENDING) throw Object.assign(win32Failure(what, code), { hangup: isHangup(code) });
    }
    const transferred = Buffer.alloc(4);
    const ok = await new Promise<number>((resolve, reject) =>
      api.GetOverlappedResult.async(handle, ovl, transferred, 1, (err, result) =>
        err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result),
      ),
    );
    if (!ok) {
      const code = api.GetLastError();
      throw Object.assign(win32Failure(what, code), { hangup: isHangup(code) });
    }
    return transferred.readUInt32LE(0);
  } finally {
    api.CloseHandle(event);
  }
}

/**
 * The virtio-serial port (`\\.\Global\org.qemu.guest_agent.0`), a COM port or
 * a named pipe, through CreateFileW and overlapped I/O as qemu-ga's
 * channel-win32.c: exclusive open, each read and write waited for on libuv's
 * thread pool, cancelled with CancelIoEx when the channel closes.
 */
export function win32DeviceIo(options: Win32DeviceIoOptions = {}): DeviceIo {
  const attempts = options.accessDeniedAttempts ?? 10;
  const firstDelay = options.accessDeniedDelayMs ?? 100;
  return {
    async open(path) {
      const api = win32();
      for (let attempt = 1; ; attempt++) {
        const handle = api.CreateFileW(path, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
        if (handle !== INVALID_HANDLE_VALUE) {
          if (options.comPort) {
            const timeouts = Buffer.alloc(20); // COMMTIMEOUTS: ReadIntervalTimeout = 1, the rest 0
            timeouts.writeUInt32LE(1, 0);
            api.SetCommTimeouts(handle, timeouts);
          }
          return handle;
        }
        const code = api.GetLastError();
        // Field report: after a host reconnect the port can refuse for a while; qemu-ga exits there, we wait.
        if (code !== ERROR_ACCESS_DENIED || attempt >= attempts) throw win32Failure(`error opening path ${path}`, code);
        await new Promise((r) => setTimeout(r, firstDelay * 2 ** Math.min(attempt - 1, 5)));
      }
    },
    async read(handle, buffer) {
      try {
        return await overlapped(handle, (ovl) => win32().ReadFile(handle, buffer, buffer.length, null, ovl), 'ReadFile');
      } catch (e) {
        if ((e as { hangup?: boolean }).hangup) return 0; // the host went away: EOF
        throw e;
      }
    },
    write(handle, bytes, offset, length) {
      const chunk = Buffer.from(bytes.buffer, bytes.byteOffset + offset, length);
      return overlapped(handle, (ovl) => win32().WriteFile(handle, chunk, length, null, ovl), 'WriteFile');
    },
    cancel(handle) {
      win32().CancelIoEx(handle, null);
    },
    close(handle) {
      win32().CloseHandle(handle);
    },
  };
}
