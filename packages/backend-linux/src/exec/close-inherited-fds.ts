import { readdirSync } from 'node:fs';
import { libc } from '../native/libc.js';

const F_GETFD = 1;
const F_SETFD = 2;
const FD_CLOEXEC = 1;

/**
 * Marks every open descriptor above 2 close-on-exec, so a guest-exec child
 * gets stdin, stdout and stderr only, as qemu-ga's children do (GLib closes
 * the rest). Node opens its own descriptors close-on-exec already; what this
 * catches is what the agent inherited from whoever started it (a shell's
 * `exec 9<file`, a service manager's leftovers). Cheap enough to run before
 * every spawn. Returns false without the native layer.
 */
export function closeInheritedFdsOnExec(): boolean {
  const c = libc();
  if (c === null) return false;
  let names: string[];
  try {
    names = readdirSync('/proc/self/fd');
  } catch {
    return false;
  }
  for (const name of names) {
    const fd = Number(name);
    if (!(fd > 2)) continue;
    const flags = Number(c.fcntl(fd, F_GETFD));
    if (flags >= 0 && (flags & FD_CLOEXEC) === 0) c.fcntl(fd, F_SETFD, 'int', flags | FD_CLOEXEC);
  }
  return true;
}
