import { inet6FromHex } from './inet-ntop.js';

export interface Inet6Entry {
  readonly address: string;
  readonly ifindex: number;
  readonly prefix: number;
  /** Kernel scope bits: 0x00 global, 0x10 host, 0x20 link, 0x40 site. */
  readonly scope: number;
  readonly name: string;
}

/** /proc/net/if_inet6: `addr ifindex prefix scope flags name`, all hex but the name. Malformed lines skipped. */
export function parseIfInet6(text: string): Inet6Entry[] {
  const out: Inet6Entry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    const address = inet6FromHex(f[0]!);
    if (address === undefined || !f.slice(1, 5).every((x) => /^[0-9a-fA-F]+$/.test(x))) continue;
    out.push({ address, ifindex: parseInt(f[1]!, 16), prefix: parseInt(f[2]!, 16), scope: parseInt(f[3]!, 16), name: f[5]! });
  }
  return out;
}

/** Wider scope first, as the kernel keeps each device's list (global before site before link before host). */
const SCOPE_RANK: Readonly<Record<number, number>> = { 0x00: 0, 0x40: 1, 0x20: 2, 0x10: 3 };

/**
 * if_inet6 lists addresses in hash order; getifaddrs (qemu-ga) lists them per
 * device, widest scope first. Sort stably by (ifindex, scope); within one
 * scope the kernel's newest-first order cannot be recovered from this file.
 */
export function orderLikeNetlink(entries: readonly Inet6Entry[]): Inet6Entry[] {
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.ifindex - b.e.ifindex || (SCOPE_RANK[a.e.scope] ?? 4) - (SCOPE_RANK[b.e.scope] ?? 4) || a.i - b.i)
    .map((x) => x.e);
}
