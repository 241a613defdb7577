import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { errorText } from './strerror.js';

/**
 * `mkdir -p` with `mode` for the directories it creates; an existing
 * directory is left as it is. Not `mkdirSync({ recursive: true })`: Node's
 * loops forever where a parent refuses new entries with ENOENT (`/proc/nope`).
 * Throws one printable line naming `dir`.
 */
export function makeDirectory(dir: string, mode = 0o700): void {
  const fail = (why: string): never => {
    throw new Error(`unable to create directory ${dir}: ${why}`);
  };
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    let isDir: boolean;
    try {
      isDir = statSync(d).isDirectory();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(d) === d) return fail(errorText(e));
      missing.unshift(d);
      continue;
    }
    if (!isDir) fail(`${d} is not a directory`);
    break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d, { mode });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') fail(errorText(e));
    }
  }
}
