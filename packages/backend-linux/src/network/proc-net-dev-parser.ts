import type { GuestNetworkInterfaceStat, Int } from '@qga/core';

function u64(s: string): Int {
  const v = BigInt(s);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * /proc/net/dev → statistics by interface name. A line counts only when its
 * name (text before the first `:`, leading blanks dropped) is followed by 16
 * numbers, as upstream's sscanf requires; the first line for a name wins.
 */
export function parseProcNetDev(text: string): Map<string, GuestNetworkInterfaceStat> {
  const out = new Map<string, GuestNetworkInterfaceStat>();
  for (const raw of text.split('\n')) {
    const line = raw.trimStart();
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon);
    const nums = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (nums.length < 16 || !nums.slice(0, 16).every((n) => /^\d+$/.test(n))) continue;
    if (out.has(name)) continue;
    const n = nums.map(u64);
    out.set(name, {
      'rx-bytes': n[0]!,
      'rx-packets': n[1]!,
      'rx-errs': n[2]!,
      'rx-dropped': n[3]!,
      'tx-bytes': n[8]!,
      'tx-packets': n[9]!,
      'tx-errs': n[10]!,
      'tx-dropped': n[11]!,
    });
  }
  return out;
}
