/**
 * Iteration order of a GLib GHashTable of string keys. QEMU's input visitor
 * tracks the not-yet-visited members of an object in one, and reports the
 * first leftover in this order as "Parameter '…' is unexpected"; matching it
 * makes our first error identical when a request has several extra members.
 *
 * Facts modelled: g_str_hash (djb2 over signed chars), slot = (hash × 11) mod
 * prime, quadratic probing, initial 8 slots, growth when the table is 15/16
 * full, and GLib's in-place rehash (old slots walked in order, each entry
 * placed at its first not-yet-reassigned slot, evicting the entry there).
 */
const PRIME_MOD = [1, 2, 3, 7, 13, 31, 61, 127, 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521];
const MIN_SHIFT = 3;

function strHash(key: string): number {
  let h = 5381;
  for (const byte of Buffer.from(key, 'utf8')) {
    const signed = byte > 127 ? byte - 256 : byte;
    h = ((h << 5) + h + signed) >>> 0;
  }
  // Hash values 0 and 1 are reserved by GLib for empty and deleted slots.
  return h <= 1 ? 2 : h;
}

function shiftFor(size: number): number {
  let shift = 0;
  for (let n = Math.floor(size); n > 0; n >>= 1) shift++;
  return Math.max(shift, MIN_SHIFT);
}

function place(slots: (string | undefined)[], hashes: number[], key: string, hash: number, shift: number): void {
  const mask = (1 << shift) - 1;
  let index = Math.imul(hash, 11) >>> 0;
  index %= PRIME_MOD[shift]!;
  for (let step = 1; slots[index] !== undefined; step++) index = (index + step) & mask;
  slots[index] = key;
  hashes[index] = hash;
}

/** `keys` in insertion order (distinct) → the order g_hash_table_iter visits them. */
export function ghashIterationOrder(keys: readonly string[]): string[] {
  let shift = MIN_SHIFT;
  let slots: (string | undefined)[] = new Array(1 << shift);
  let hashes: number[] = new Array(1 << shift);
  let count = 0;
  for (const key of keys) {
    place(slots, hashes, key, strHash(key), shift);
    count++;
    const size = 1 << shift;
    if (size <= count + Math.floor(count / 16)) {
      shift = shiftFor(count * 1.333);
      ({ slots, hashes } = rehashInPlace(slots, hashes, shift));
    }
  }
  return slots.filter((k): k is string => k !== undefined);
}

function rehashInPlace(
  oldSlots: (string | undefined)[],
  oldHashes: number[],
  shift: number,
): { slots: (string | undefined)[]; hashes: number[] } {
  const size = 1 << shift;
  const mask = size - 1;
  const slots: (string | undefined)[] = Object.assign(new Array(size), oldSlots);
  const hashes: number[] = Object.assign(new Array(size), oldHashes);
  const reassigned = new Array<boolean>(size).fill(false);
  for (let i = 0; i < oldSlots.length; i++) {
    if (slots[i] === undefined || reassigned[i]) continue;
    let key: string | undefined = slots[i];
    let hash = hashes[i]!;
    slots[i] = undefined;
    while (key !== undefined) {
      let index = (Math.imul(hash, 11) >>> 0) % PRIME_MOD[shift]!;
      for (let step = 1; reassigned[index]; step++) index = (index + step) & mask;
      reassigned[index] = true;
      const evictedKey = slots[index];
      const evictedHash = hashes[index]!;
      slots[index] = key;
      hashes[index] = hash;
      key = evictedKey;
      hash = evictedHash;
    }
  }
  return { slots, hashes };
}
