/**
 * Map with at most `limit` calls in flight, results in input order. Used
 * where a guest may have thousands of items (memory blocks, cpus, mounts):
 * an unbounded Promise.all would queue thousands of opens on libuv's pool
 * and could hold as many file descriptors at once (EMFILE at 1024).
 * Like allInOrder, a failure rejects with the error of the first failing
 * item in input order, after every started call has settled.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i]!, i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
}

/** How many sysfs/procfs reads one command keeps in flight. */
export const IO_CONCURRENCY = 32;
