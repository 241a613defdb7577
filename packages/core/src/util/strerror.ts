import { constants } from 'node:os';

/**
 * glibc's strerror() texts for the errno names Node puts in `error.code`,
 * so messages read exactly like qemu-ga's (`failed to open file 'x' (mode:
 * 'r'): No such file or directory`).
 */
const TEXTS: Readonly<Record<string, string>> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ESRCH: 'No such process',
  EINTR: 'Interrupted system call',
  EIO: 'Input/output error',
  ENXIO: 'No such device or address',
  E2BIG: 'Argument list too long',
  ENOEXEC: 'Exec format error',
  EBADF: 'Bad file descriptor',
  ECHILD: 'No child processes',
  EAGAIN: 'Resource temporarily unavailable',
  EWOULDBLOCK: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EFAULT: 'Bad address',
  ENOTBLK: 'Block device required',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  EXDEV: 'Invalid cross-device link',
  ENODEV: 'No such device',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENFILE: 'Too many open files in system',
  EMFILE: 'Too many open files',
  ENOTTY: 'Inappropriate ioctl for device',
  ETXTBSY: 'Text file busy',
  EFBIG: 'File too large',
  ENOSPC: 'No space left on device',
  ESPIPE: 'Illegal seek',
  EROFS: 'Read-only file system',
  EMLINK: 'Too many links',
  EPIPE: 'Broken pipe',
  EDOM: 'Numerical argument out of domain',
  ERANGE: 'Numerical result out of range',
  EDEADLK: 'Resource deadlock avoided',
  ENAMETOOLONG: 'File name too long',
  ENOLCK: 'No locks available',
  ENOSYS: 'Function not implemented',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Too many levels of symbolic links',
  ENODATA: 'No data available',
  ENOBUFS: 'No buffer space available',
  EOVERFLOW: 'Value too large for defined data type',
  EILSEQ: 'Invalid or incomplete multibyte or wide character',
  ENOTSOCK: 'Socket operation on non-socket',
  EOPNOTSUPP: 'Operation not supported',
  ENOTSUP: 'Operation not supported',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENETDOWN: 'Network is down',
  ENETUNREACH: 'Network is unreachable',
  ECONNABORTED: 'Software caused connection abort',
  ECONNRESET: 'Connection reset by peer',
  ENOTCONN: 'Transport endpoint is not connected',
  ETIMEDOUT: 'Connection timed out',
  ECONNREFUSED: 'Connection refused',
  EHOSTUNREACH: 'No route to host',
  EALREADY: 'Operation already in progress',
  EINPROGRESS: 'Operation now in progress',
  ESTALE: 'Stale file handle',
  EDQUOT: 'Disk quota exceeded',
  ENOMEDIUM: 'No medium found',
  ECANCELED: 'Operation canceled',
  EPROTO: 'Protocol error',
};

const ERRNO_NUMBERS: Readonly<Record<string, number>> = constants.errno as unknown as Record<string, number>;

/** glibc text for an errno name (`ENOENT` → `No such file or directory`); unknown names come back unchanged. */
export function strerror(code: string): string {
  return TEXTS[code] ?? code;
}

/** The errno number for a name on this platform (`ENOENT` → 2), or undefined. */
export function errnoNumber(code: string): number | undefined {
  return ERRNO_NUMBERS[code];
}

/** The errno name for a number on this platform (2 → `ENOENT`), or undefined. */
export function errnoCode(errno: number): string | undefined {
  const n = Math.abs(errno);
  for (const [code, value] of Object.entries(ERRNO_NUMBERS)) if (value === n) return code;
  return undefined;
}

/** The errno name carried by a thrown value (`err.code`, or a negative libuv `errno`). */
export function errorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const { code, errno } = e as { code?: unknown; errno?: unknown };
  if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return code;
  if (typeof errno === 'number') return errnoCode(errno);
  return undefined;
}

/**
 * What follows the colon in qemu-ga's `<what>: <strerror>` messages: the
 * glibc text of the error's errno name, else the error's own message.
 */
export function errorText(e: unknown): string {
  const code = errorCode(e);
  if (code !== undefined && TEXTS[code] !== undefined) return TEXTS[code];
  if (e instanceof Error) return e.message;
  return String(e);
}

/** A Node-style error (`message` = strerror text, `code` = errno name) for backends and fakes. */
export function errnoError(code: string, message: string = strerror(code)): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(message);
  err.code = code;
  const n = errnoNumber(code);
  if (n !== undefined) err.errno = -n;
  return err;
}
