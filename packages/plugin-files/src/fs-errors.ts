import { QgaError } from '@qga/core';

/** An fs failure as a protocol error naming the path; ELOOP from O_NOFOLLOW gets its own words. */
export function fsError(what: string, path: string, e: unknown): QgaError {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ELOOP') return new QgaError(`${what} '${path}': it is a symbolic link, which is never followed`);
  const text = err.message?.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '') ?? String(e);
  return new QgaError(`${what} '${path}': ${text}`);
}
