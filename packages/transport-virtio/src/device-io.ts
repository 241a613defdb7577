import { close, read, write } from 'node:fs';

/**
 * How a channel talks to its device. The default is POSIX descriptors through
 * fs (blocking calls on libuv's pool); Windows supplies CreateFileW +
 * overlapped I/O (from @qga/backend-windows), so this package never loads an FFI.
 */
export interface DeviceIo {
  /** Open the device; rejects with an Error carrying `code` (ENOENT, EACCES, …). */
  open(path: string): Promise<number>;
  /** Read into `buffer`; 0 means the host side went away (EOF). */
  read(handle: number, buffer: Buffer): Promise<number>;
  /** Write `length` bytes of `bytes` from `offset`; resolves with how many were written. */
  write(handle: number, bytes: Uint8Array, offset: number, length: number): Promise<number>;
  /** Close; called only when no read or write on the handle is in flight. */
  close(handle: number): void;
  /** Make in-flight reads and writes return (Windows: CancelIoEx), so the handle can be closed. */
  cancel?(handle: number): void;
}

/** POSIX descriptors, opened by `openDevice`. */
export function posixDeviceIo(openDevice: (path: string) => Promise<number>): DeviceIo {
  return {
    open: openDevice,
    read: (fd, buffer) =>
      new Promise((resolve, reject) => read(fd, buffer, 0, buffer.length, null, (err, n) => (err ? reject(err) : resolve(n)))),
    write: (fd, bytes, offset, length) =>
      new Promise((resolve, reject) => write(fd, bytes, offset, length, null, (err, n) => (err ? reject(err) : resolve(n)))),
    close: (fd) => close(fd, () => undefined),
  };
}
