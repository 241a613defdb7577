/** Win32 errors of device I/O → the errno names the transport's state machine knows (pure). */
const CODES: Record<number, string> = {
  2: 'ENOENT', // ERROR_FILE_NOT_FOUND: no virtio-serial device (or no pipe server)
  3: 'ENOENT', // ERROR_PATH_NOT_FOUND
  5: 'EACCES', // ERROR_ACCESS_DENIED: the port is still held after a host reconnect
  32: 'EBUSY', // ERROR_SHARING_VIOLATION
  109: 'EPIPE', // ERROR_BROKEN_PIPE
  231: 'EBUSY', // ERROR_PIPE_BUSY
  232: 'EPIPE', // ERROR_NO_DATA (pipe closing)
  233: 'EPIPE', // ERROR_PIPE_NOT_CONNECTED
};

export function errnoForWin32(code: number): string {
  return CODES[code] ?? 'EIO';
}

/**
 * Read errors that qemu-ga's channel treats as a hang-up of the host (not an
 * I/O error): ERROR_HANDLE_EOF, ERROR_NO_SYSTEM_RESOURCES, ERROR_OPERATION_ABORTED, and 0.
 */
export function isHangup(code: number): boolean {
  return code === 0 || code === 38 || code === 1450 || code === 995;
}
