import type { Int } from '@qga/core';

export interface FsSizes {
  readonly 'used-bytes': Int;
  readonly 'total-bytes': Int;
  readonly 'total-bytes-privileged': Int;
}

function u64(v: bigint): Int {
  const w = BigInt.asUintN(64, v);
  return w <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(w) : w;
}

/**
 * guest-get-fsinfo sizes from statvfs numbers: used = (blocks − bfree) ×
 * frsize; total = (used blocks + bavail) × frsize (what an unprivileged user
 * can reach); total-bytes-privileged = blocks × frsize (since 9.1). Unsigned
 * 64-bit arithmetic, as upstream.
 */
export function fsSizes(s: { readonly blocks: bigint; readonly bfree: bigint; readonly bavail: bigint; readonly frsize: bigint }): FsSizes {
  const used = BigInt.asUintN(64, s.blocks - s.bfree);
  return {
    'used-bytes': u64(used * s.frsize),
    'total-bytes': u64((used + s.bavail) * s.frsize),
    'total-bytes-privileged': u64(s.blocks * s.frsize),
  };
}
