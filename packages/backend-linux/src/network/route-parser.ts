import type { GuestNetworkRoute } from '@qga/core';
import { inet6FromHex } from './inet-ntop.js';

const INT32 = /^[+-]?\d+$/;
const HEX = /^[0-9a-fA-F]+$/;

/** C's `%d` into an int: wraps to 32 bits. */
function int32(s: string): number {
  return Number(BigInt.asIntN(32, BigInt(s)));
}

/** `%x`/`%X` into an unsigned int. */
function hexU32(s: string): number {
  return Number(BigInt.asUintN(32, BigInt(`0x${s}`)));
}

/**
 * /proc/net/route prints each address as the raw 32-bit word in host byte
 * order; the dotted quad is its bytes in memory order. (Upstream always
 * reverses, which is only right on little-endian machines.)
 */
function ipv4FromHex(hex: string, littleEndian: boolean): string {
  const v = hexU32(hex);
  const b = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  return (littleEndian ? b.reverse() : b).join('.');
}

/**
 * IPv4 routes of guest-network-get-route: the header line skipped, lines of
 * 11 fields `Iface Destination Gateway Flags RefCnt Use Metric Mask MTU
 * Window IRTT`; malformed lines are skipped as upstream's sscanf check does.
 */
export function parseRouteV4(text: string, littleEndian = true): GuestNetworkRoute[] {
  const out: GuestNetworkRoute[] = [];
  const lines = text.split('\n');
  for (const line of lines.slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 11) continue;
    const [iface, dest, gw, flags, refcnt, use, metric, mask, mtu, window, irtt] = f as [string, ...string[]];
    if (![dest, gw, flags, mask].every((x) => HEX.test(x!)) || ![refcnt, use, metric, mtu, window, irtt].every((x) => INT32.test(x!)))
      continue;
    out.push({
      iface,
      destination: ipv4FromHex(dest!, littleEndian),
      gateway: ipv4FromHex(gw!, littleEndian),
      mask: ipv4FromHex(mask!, littleEndian),
      metric: int32(metric!),
      flags: hexU32(flags!),
      refcnt: int32(refcnt!),
      use: int32(use!),
      mtu: int32(mtu!),
      window: int32(window!),
      irtt: int32(irtt!),
      version: 4,
    });
  }
  return out;
}

/**
 * IPv6 routes from /proc/net/ipv6_route: `dest destlen src srclen nexthop
 * metric refcnt use flags iface`, all hex but the name. Prefix lengths become
 * decimal strings. Deviation: metric, refcnt, use and flags are the kernel's
 * unsigned 32-bit values; upstream reads them into a C int, so `ffffffff`
 * comes out as metric -1 and flags ≥ 0x80000000 (RTF_LOCAL) sign-extended.
 */
export function parseRouteV6(text: string): GuestNetworkRoute[] {
  const out: GuestNetworkRoute[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [dest, dlen, src, slen, hop, metric, refcnt, use, flags, iface] = f as [string, ...string[]];
    if (![dlen, slen, metric, refcnt, use, flags].every((x) => HEX.test(x!))) continue;
    const destination = inet6FromHex(dest);
    if (destination === undefined) continue;
    const source = inet6FromHex(src!);
    const nexthop = inet6FromHex(hop!);
    out.push({
      iface: iface!,
      destination,
      ...(source !== undefined ? { source } : {}),
      ...(nexthop !== undefined ? { nexthop } : {}),
      desprefixlen: String(hexU32(dlen!)),
      srcprefixlen: String(hexU32(slen!)),
      metric: hexU32(metric!),
      flags: hexU32(flags!),
      refcnt: hexU32(refcnt!),
      use: hexU32(use!),
      version: 6,
    });
  }
  return out;
}
