import { errorCode, errorText } from '@qga/core/internal';

/** What a failed open+ioctl said, reduced to what the protocol needs. */
export interface IoctlFailure {
  /** `open`: the mount point could not be opened; `ioctl`: the kernel refused (or the native layer is missing). */
  readonly stage: 'open' | 'ioctl';
  /** errno name, when there is one. */
  readonly errno: string | undefined;
  /** glibc's strerror text, or the error's own words. */
  readonly reason: string;
}

/** Classify an error thrown by an FsIoctls call. */
export function ioctlFailure(e: unknown): IoctlFailure {
  const syscall = (e as { syscall?: unknown } | null)?.syscall;
  return { stage: syscall === 'open' ? 'open' : 'ioctl', errno: errorCode(e), reason: errorText(e) };
}

/** guest-fstrim's per-path error text: open failure, ENOTTY/EOPNOTSUPP = not supported, anything else a trim failure. */
export function trimErrorText(f: IoctlFailure): string {
  if (f.stage === 'open') return `failed to open: ${f.reason}`;
  if (f.errno === 'ENOTTY' || f.errno === 'EOPNOTSUPP' || f.errno === 'ENOTSUP') return 'trim not supported';
  return `failed to trim: ${f.reason}`;
}
