import { closeSync } from 'node:fs';

/** close(2) on a path already failing or being torn down: an error here has nothing left to report. */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already gone, or the failure that got us here is the one that matters
  }
}
