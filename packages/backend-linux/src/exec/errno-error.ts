import { constants } from 'node:os';
import { strerror } from './strerror.js';

/** A Node-style system error (`code`, negative `errno`, `syscall`, `path`) like fs and child_process throw. */
export function errnoError(code: string, syscall: string, path?: string): NodeJS.ErrnoException {
  const num = (constants.errno as Record<string, number | undefined>)[code];
  const where = path === undefined ? syscall : `${syscall} '${path}'`;
  const err: NodeJS.ErrnoException = new Error(`${code}: ${strerror(code)}, ${where}`);
  err.code = code;
  if (num !== undefined) err.errno = -num;
  err.syscall = syscall;
  if (path !== undefined) err.path = path;
  return err;
}
