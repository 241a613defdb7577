import type { GuestDiskStats, GuestDiskStatsInfo, Int } from '@qga/core';

function num(v: bigint): Int {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * guest-get-diskstats from /proc/diskstats. The field count (major, minor
 * and name included, as upstream's sscanf counts them) decides the layout:
 * < 7 skipped; exactly 7 = old partition line (read-ios, read-sectors,
 * write-ios, write-sectors); ≥ 14 the full read/write/in-flight set; ≥ 18
 * adds discards; ≥ 20 adds flushes; 8–13 give an empty stats object. Fields
 * upstream reads with `%u` wrap at 32 bits like theirs.
 */
export function parseDiskstats(text: string): GuestDiskStatsInfo[] {
  const out: GuestDiskStatsInfo[] = [];
  for (const line of text.split('\n')) {
    const tok = line.trim().split(/\s+/);
    if (tok.length < 3 || !/^\d+$/.test(tok[0]!) || !/^\d+$/.test(tok[1]!)) continue;
    const values: string[] = [];
    for (const t of tok.slice(3, 20)) {
      if (!/^\d+$/.test(t)) break;
      values.push(t);
    }
    const fields = 3 + values.length;
    if (fields < 7) continue;
    // Up to 15 digits a double holds the value exactly (and its 32-bit wrap): BigInt only beyond.
    const u64 = (i: number): Int => (values[i - 3]!.length <= 15 ? Number(values[i - 3]) : num(BigInt.asUintN(64, BigInt(values[i - 3]!))));
    const u32 = (i: number): Int =>
      values[i - 3]!.length <= 15 ? Number(values[i - 3]) % 4294967296 : num(BigInt.asUintN(32, BigInt(values[i - 3]!)));
    const stats: GuestDiskStats = {};
    if (fields === 7) {
      stats['read-ios'] = u64(3);
      stats['read-sectors'] = u64(4);
      stats['write-ios'] = u64(5);
      stats['write-sectors'] = u64(6);
    }
    if (fields >= 14) {
      stats['read-ios'] = u64(3);
      stats['read-merges'] = u64(4);
      stats['read-sectors'] = u64(5);
      stats['read-ticks'] = u64(6);
      stats['write-ios'] = u64(7);
      stats['write-merges'] = u64(8);
      stats['write-sectors'] = u64(9);
      stats['write-ticks'] = u32(10);
      stats['ios-pgr'] = u32(11);
      stats['total-ticks'] = u32(12);
      stats['weight-ticks'] = u32(13);
    }
    if (fields >= 18) {
      stats['discard-ios'] = u64(14);
      stats['discard-merges'] = u64(15);
      stats['discard-sectors'] = u64(16);
      stats['discard-ticks'] = u32(17);
    }
    if (fields >= 20) {
      stats['flush-ios'] = u64(18);
      stats['flush-ticks'] = u32(19);
    }
    out.push({
      name: tok[2]!,
      major: num(BigInt.asUintN(32, BigInt(tok[0]!))),
      minor: num(BigInt.asUintN(32, BigInt(tok[1]!))),
      stats,
    });
  }
  return out;
}
