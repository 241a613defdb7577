import { constants as fsc } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoError } from '@qga/core';

/** Used when neither the request nor the agent has a PATH (GLib's fallback is similar). */
export const FALLBACK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * execvp-style lookup, done up front so the rules do not depend on the libuv
 * version: a name with a `/` is used as is; otherwise each PATH entry is tried
 * (an empty entry means the current directory) and the first executable
 * regular file wins. When nothing matches the error is EACCES if some candidate
 * existed without execute permission, else ENOENT — what execvp reports.
 */
export async function findProgram(name: string, searchPath: string | undefined): Promise<string> {
  if (name.includes('/')) return name;
  if (name === '') throw errnoError('ENOENT', 'spawn', name);
  let sawEacces = false;
  for (const dir of (searchPath ?? FALLBACK_PATH).split(':')) {
    const candidate = join(dir === '' ? '.' : dir, name);
    try {
      const st = await stat(candidate);
      if (!st.isFile()) continue;
      await access(candidate, fsc.X_OK);
      return candidate;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EACCES') sawEacces = true;
    }
  }
  throw errnoError(sawEacces ? 'EACCES' : 'ENOENT', 'spawn', name);
}

/** The PATH an `env` list (NAME=value entries) carries, if any. */
export function pathFromEnvList(env: readonly string[]): string | undefined {
  for (const entry of env) {
    if (entry.startsWith('PATH=')) return entry.slice(5);
  }
  return undefined;
}

/**
 * Convert `NAME=value` entries to the object child_process wants. The first
 * definition of a name wins (that is what getenv() in the child would see);
 * entries without `=` cannot be expressed and are dropped.
 */
export function envListToObject(env: readonly string[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const entry of env) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const name = entry.slice(0, eq);
    if (!(name in out)) out[name] = entry.slice(eq + 1);
  }
  return out;
}
