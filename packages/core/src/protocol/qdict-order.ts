/**
 * QEMU's QDict is a 512-bucket hash table and its JSON writer walks the
 * buckets in index order; keys sharing a bucket come out in reverse insertion
 * order (docs/protocol.md#key-order). We reproduce it for byte-identical replies, and the
 * dispatcher uses it to check request members in the order qemu-ga does.
 */
export function qdictBucket(key: string): number {
  const bytes = Buffer.from(key, 'utf8');
  let hash = Math.imul(0x238f13af, bytes.length) >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    hash = (hash + ((bytes[i]! << ((i * 5) % 24)) >>> 0)) >>> 0;
  }
  return ((Math.imul(1103515243, hash) + 12345) >>> 0) % 512;
}

const bucketCache = new Map<string, number>();

function cachedBucket(key: string): number {
  let b = bucketCache.get(key);
  if (b === undefined) {
    b = qdictBucket(key);
    if (bucketCache.size < 4096) bucketCache.set(key, b);
  }
  return b;
}

/** Keys (given in insertion order) in the order QEMU would serialize them. */
export function qdictOrder(keys: readonly string[]): string[] {
  const decorated = keys.map((key, index) => ({ key, index, bucket: cachedBucket(key) }));
  decorated.sort((a, b) => a.bucket - b.bucket || b.index - a.index);
  return decorated.map((d) => d.key);
}
