import { lastErrno, libcFunction, sysError } from './libc.js';

const LOCK_EX = 2;
const LOCK_NB = 4;
const EWOULDBLOCK = 11;

/**
 * flock(fd, LOCK_EX | LOCK_NB): true when we hold the lock, false when another
 * open file description holds it. Other failures throw.
 */
export function tryLockExclusive(fd: number): boolean {
  const flock = libcFunction('int flock(int fd, int operation)');
  if ((flock(fd, LOCK_EX | LOCK_NB) as number) === 0) return true;
  const errno = lastErrno();
  if (errno === EWOULDBLOCK) return false;
  throw sysError(errno, 'flock');
}
