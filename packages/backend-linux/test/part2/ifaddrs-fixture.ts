import { isIPv4 } from 'node:net';
import type { IfAddrEntry } from '@qga/native-linux';

/**
 * The getifaddrs() list a kernel would give for an `ip -j addr show` capture
 * (the fixtures were captured that way): links first, then every IPv4, then
 * every IPv6 address, each family in dump order — glibc's order.
 */
export function ifAddrsFromIpJson(text: string): IfAddrEntry[] {
  const data = JSON.parse(text) as Array<{
    ifname: string;
    ifindex: number;
    address?: string;
    addr_info?: Array<{ family: string; local: string; prefixlen: number; label?: string }>;
  }>;
  const mask = (bits: number, len: number): Uint8Array =>
    Uint8Array.from({ length: len }, (_v, i) => (0xff << (8 - Math.max(0, Math.min(8, bits - i * 8)))) & 0xff);
  const v4 = (s: string): Uint8Array => Uint8Array.from(s.split('.').map(Number));
  const v6 = (s: string): Uint8Array => {
    const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
    const h = head ? head.split(':') : [];
    const tl = tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - tl.length).fill('0'), ...tl];
    return Uint8Array.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
  };
  const links: IfAddrEntry[] = data.map((l) => {
    const hex =
      l.address !== undefined && !isIPv4(l.address) && /^[0-9a-f]{2}(:[0-9a-f]{2})*$/i.test(l.address)
        ? l.address.split(':').map((b) => parseInt(b, 16))
        : [];
    return { kind: 'link', name: l.ifname, ifindex: l.ifindex, hwaddr: Uint8Array.from(hex) };
  });
  const of = (family: string): IfAddrEntry[] =>
    data.flatMap((l) =>
      (l.addr_info ?? [])
        .filter((a) => a.family === family)
        .map((a) =>
          family === 'inet'
            ? { kind: 'ipv4' as const, name: a.label ?? l.ifname, address: v4(a.local), netmask: mask(a.prefixlen, 4) }
            : { kind: 'ipv6' as const, name: l.ifname, address: v6(a.local), netmask: mask(a.prefixlen, 16) },
        ),
    );
  return [...links, ...of('inet'), ...of('inet6')];
}
