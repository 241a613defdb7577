export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Wait for `p` at most `ms`. The operation itself is not cancelled (a stuck
 * syscall cannot be), only our wait for it.
 */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(TIMED_OUT), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
