import { statSync } from 'node:fs';
import { makeDirectory } from '@qga/core/internal';
import { join } from 'node:path';

/**
 * Make sure the state directory exists. qemu-ga on POSIX expects it to exist
 * (only the Windows build creates it); we create it, with its parents, mode
 * 0700 since it holds the handle counter and the frozen marker. An existing
 * directory is left as it is. Throws with a printable message.
 */
export function ensureStateDir(dir: string): void {
  try {
    makeDirectory(dir, 0o700);
  } catch (e) {
    throw new Error(`unable to create state directory ${dir}: ${(e as Error).message.replace(/^unable to create directory [^:]*: /, '')}`);
  }
}

/**
 * Did the previous instance die frozen? (`<statedir>/qga.state.isfrozen`
 * exists; a stat error other than ENOENT also counts, as in qemu-ga.) Decided
 * before anything is written: pidfile and log file creation wait for the thaw.
 */
export function markerSaysFrozen(dir: string): boolean {
  try {
    statSync(join(dir, 'qga.state.isfrozen'));
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
