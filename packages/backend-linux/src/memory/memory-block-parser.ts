import type { GuestMemoryBlock, Int } from '@qga/core';

/** `memoryN` directory entries → phys indexes, in the order given (upstream: strtoul of the suffix). */
export function memoryBlockIndexes(entries: ReadonlyArray<{ readonly name: string; readonly isDir: boolean }>): bigint[] {
  const out: bigint[] = [];
  for (const e of entries) {
    if (!e.isDir || !e.name.startsWith('memory')) continue;
    const m = /^\d+/.exec(e.name.slice(6));
    out.push(m === null ? 0n : BigInt(m[0]));
  }
  return out;
}

/** A uint64 as a number when it fits exactly, else a bigint. */
export function uint(v: bigint): Int {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * One block from its `state` and `removable` files (undefined = file absent):
 * no state file (old kernels) → online, cannot be offlined; online when state
 * starts with "online"; can-offline unless `removable` starts with '0' (absent → false).
 */
export function memoryBlockFromFiles(physIndex: bigint, state: string | undefined, removable: string | undefined): GuestMemoryBlock {
  if (state === undefined) return { 'phys-index': uint(physIndex), online: true, 'can-offline': false };
  return {
    'phys-index': uint(physIndex),
    online: state.startsWith('online'),
    'can-offline': removable === undefined ? false : removable[0] !== '0',
  };
}

/**
 * guest-get-memory-block-info: `block_size_bytes` is hex without 0x
 * ("8000000\n"); read like strtol(buf, NULL, 16) — leading blanks and an
 * optional 0x allowed, stops at the first non-hex character, 0 when none.
 */
export function parseBlockSizeBytes(text: string): bigint {
  const m = /^[ \t\n\v\f\r]*([+-]?)(?:0[xX])?([0-9a-fA-F]+)/.exec(text);
  if (m === null) return 0n;
  const v = BigInt(`0x${m[2]}`);
  return m[1] === '-' ? -v : v;
}
