import { readdirSync } from 'node:fs';
import { libcFunction } from './libc.js';

const F_GETFD = 1;
const F_SETFD = 2;
const FD_CLOEXEC = 1;

/**
 * Marks every open descriptor above 2 close-on-exec, so a child gets stdin,
 * stdout and stderr only, as qemu-ga's children do (GLib closes the rest).
 * Node opens its own descriptors close-on-exec already; what this catches is
 * what the process inherited from whoever started it. Throws
 * NativeUnavailableError without the native layer.
 */
export function closeInheritedFdsOnExec(): void {
  const fcntl = libcFunction('int fcntl(int fd, int cmd, ...)');
  for (const name of readdirSync('/proc/self/fd')) {
    const fd = Number(name);
    if (!(fd > 2)) continue;
    const flags = Number(fcntl(fd, F_GETFD));
    if (flags >= 0 && (flags & FD_CLOEXEC) === 0) fcntl(fd, F_SETFD, 'int', flags | FD_CLOEXEC);
  }
}
