import { constants } from 'node:os';
import { GLIBC_STRERROR } from './glibc-strerror.js';

/** The positive errno of a Node system error (`code: 'ENOENT'` → 2), if it has one. */
export function errnoOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    const n = (constants.errno as Record<string, number | undefined>)[code];
    if (n !== undefined) return n;
  }
  const num = (err as { errno?: unknown }).errno;
  return typeof num === 'number' && num !== 0 ? Math.abs(num) : undefined;
}

/** glibc's strerror(n). */
export function strerror(n: number): string {
  return GLIBC_STRERROR[n] ?? `Unknown error ${n}`;
}

/** strerror of whatever errno `err` carries; its message when it has none. */
export function describeError(err: unknown): string {
  const n = errnoOf(err);
  if (n !== undefined) return strerror(n);
  return err instanceof Error ? err.message : String(err);
}

/** True for ENOENT (the one errno most sysfs readers treat as "absent"). */
export function isEnoent(err: unknown): boolean {
  return errnoOf(err) === constants.errno.ENOENT;
}
