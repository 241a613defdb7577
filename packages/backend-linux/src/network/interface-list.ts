import type { GuestIpAddress, GuestNetworkInterface, GuestNetworkInterfaceStat } from '@qga/core';

export interface LinkInfo {
  readonly name: string;
  /** Formatted hardware address; undefined when it could not be read (then omitted, as upstream when its ioctl fails). */
  readonly hwaddr: string | undefined;
}

export interface AddressInfo {
  /** Interface name as getifaddrs reports it: the address label for IPv4 (`eth0:1`), else the device. */
  readonly name: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly address: string;
  readonly prefix: number;
}

/**
 * Assemble guest-network-get-interfaces the way qemu-ga walks getifaddrs():
 * every link first (so interfaces without addresses are listed too), then
 * IPv4 then IPv6 addresses, each attached to its name — a name not seen yet
 * (an IPv4 alias label like `eth0:1`) becomes a new entry at the end, with the
 * hardware address of the device before the `:` (the kernel strips the alias
 * for SIOCGIFHWADDR). Statistics come from /proc/net/dev and only for names
 * with an address. `exclude` drops names afterwards (off by default).
 */
export function assembleInterfaces(
  links: readonly LinkInfo[],
  addresses: readonly AddressInfo[],
  stats: ReadonlyMap<string, GuestNetworkInterfaceStat>,
  exclude: (name: string) => boolean = () => false,
): GuestNetworkInterface[] {
  const hwByName = new Map(links.map((l) => [l.name, l.hwaddr]));
  const entries = new Map<string, { name: string; hw: string | undefined; ips: GuestIpAddress[] }>();
  const add = (name: string): { name: string; hw: string | undefined; ips: GuestIpAddress[] } => {
    let e = entries.get(name);
    if (e === undefined) {
      const colon = name.indexOf(':');
      e = { name, hw: hwByName.get(colon < 0 ? name : name.slice(0, colon)), ips: [] };
      entries.set(name, e);
    }
    return e;
  };
  for (const l of links) add(l.name);
  const ordered = [...addresses.filter((a) => a.family === 'ipv4'), ...addresses.filter((a) => a.family === 'ipv6')];
  for (const a of ordered) add(a.name).ips.push({ 'ip-address': a.address, 'ip-address-type': a.family, prefix: a.prefix });

  const out: GuestNetworkInterface[] = [];
  for (const e of entries.values()) {
    if (exclude(e.name)) continue;
    const iface: GuestNetworkInterface = { name: e.name };
    if (e.hw !== undefined) iface['hardware-address'] = e.hw;
    if (e.ips.length > 0) {
      iface['ip-addresses'] = e.ips;
      const st = stats.get(e.name);
      if (st !== undefined) iface.statistics = st;
    }
    out.push(iface);
  }
  return out;
}

/** Prefix length = number of set bits of a dotted-quad IPv4 netmask (upstream's popcount). */
export function ipv4MaskBits(mask: string): number {
  let bits = 0;
  for (const part of mask.split('.')) {
    let n = Number(part) & 0xff;
    while (n !== 0) {
      bits += n & 1;
      n >>>= 1;
    }
  }
  return bits;
}
