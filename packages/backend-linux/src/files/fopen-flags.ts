import { constants as c } from 'node:fs';
import type { FopenMode } from '@qga/core';

/** Linux's O_CLOEXEC (absent from fs.constants; libuv adds it to every open anyway). */
export const O_CLOEXEC = 0o2000000;

/** Flags every guest file is opened with: no controlling tty, never block the agent, not inherited by guest-exec children. */
export const COMMON_OPEN_FLAGS = c.O_NOCTTY | c.O_NONBLOCK | O_CLOEXEC;

/** The open(2) flags of an fopen mode (POSIX fopen table; `b` is meaningless on Linux). */
export function fopenFlags(mode: FopenMode): number {
  const base = mode.replace('b', '');
  let flags: number;
  switch (base) {
    case 'r':
      flags = c.O_RDONLY;
      break;
    case 'w':
      flags = c.O_WRONLY | c.O_CREAT | c.O_TRUNC;
      break;
    case 'a':
      flags = c.O_WRONLY | c.O_CREAT | c.O_APPEND;
      break;
    case 'r+':
      flags = c.O_RDWR;
      break;
    case 'w+':
      flags = c.O_RDWR | c.O_CREAT | c.O_TRUNC;
      break;
    case 'a+':
      flags = c.O_RDWR | c.O_CREAT | c.O_APPEND;
      break;
    default:
      throw Object.assign(new Error(`invalid file open mode '${mode}'`), { code: 'EINVAL' });
  }
  return flags | COMMON_OPEN_FLAGS;
}

/**
 * Permission bits for a newly created file. Passed to open(2) so the kernel
 * applies the process umask, as fopen() does. Upstream qemu-ga instead
 * fchmods new files to 0666 regardless of umask (docs/upstream-bugs.md#new-files-0666) — fixed here.
 */
export const NEW_FILE_MODE = 0o666;
