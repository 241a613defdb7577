import { constants } from 'node:os';
import { QgaError } from '@qga/core';

/** glibc texts for the errno names the mock produces itself. */
const TEXTS: Readonly<Record<string, string>> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EIO: 'Input/output error',
  ENXIO: 'No such device or address',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  ENODEV: 'No such device',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EINVAL: 'Invalid argument',
  ENOTTY: 'Inappropriate ioctl for device',
  EFBIG: 'File too large',
  ENOSPC: 'No space left on device',
  ESPIPE: 'Illegal seek',
  EROFS: 'Read-only file system',
  ENOTEMPTY: 'Directory not empty',
  EOPNOTSUPP: 'Operation not supported',
  ENOTSUP: 'Operation not supported',
  ENOSYS: 'Function not implemented',
};

/** glibc's text for an errno name (falls back to the name). */
export function strerror(code: string): string {
  return TEXTS[code] ?? code;
}

/** The errno number of a name on this platform (0 when unknown). */
export function errnoNumber(code: string): number {
  return (constants.errno as Record<string, number>)[code] ?? 0;
}

/** A Node-style error (`code` = errno name, message = strerror text), as real fs calls throw. */
export function errnoError(code: string, message: string = strerror(code)): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(message);
  err.code = code;
  err.errno = -errnoNumber(code);
  return err;
}

/**
 * What `failNext` accepts: an Error is thrown as is; a string that looks
 * like an errno name (`EIO`) becomes a Node-style errno error; any other
 * string becomes a QgaError with that desc.
 */
export type InjectedFailure = Error | string;

export function toError(failure: InjectedFailure): Error {
  if (failure instanceof Error) return failure;
  return /^E[A-Z0-9]+$/.test(failure) ? errnoError(failure) : new QgaError(failure);
}
