export interface LinkAddresses {
  readonly ifindex: number;
  readonly ifname: string;
  /** Link-layer address as ip prints it (absent for devices without one). */
  readonly address?: string;
  readonly addrs: ReadonlyArray<{ readonly family: 'inet' | 'inet6'; readonly local: string; readonly prefixlen: number; readonly label?: string }>;
}

/**
 * `ip -j addr show` (iproute2 ≥ 4.13). Every link appears, with or without
 * addresses, in ifindex order; within a link IPv4 comes before IPv6 and each
 * family keeps the kernel's dump order — the same order getifaddrs() (and so
 * qemu-ga) sees. undefined when the text is not that JSON.
 */
export function parseIpAddrJson(text: string): LinkAddresses[] | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(data)) return undefined;
  const out: LinkAddresses[] = [];
  for (const l of data as unknown[]) {
    if (typeof l !== 'object' || l === null) continue;
    const link = l as Record<string, unknown>;
    if (typeof link['ifname'] !== 'string' || typeof link['ifindex'] !== 'number') continue;
    const addrs: Array<LinkAddresses['addrs'][number]> = [];
    for (const a of Array.isArray(link['addr_info']) ? (link['addr_info'] as unknown[]) : []) {
      if (typeof a !== 'object' || a === null) continue;
      const ai = a as Record<string, unknown>;
      const family = ai['family'];
      if ((family !== 'inet' && family !== 'inet6') || typeof ai['local'] !== 'string' || typeof ai['prefixlen'] !== 'number') continue;
      addrs.push({
        family,
        local: ai['local'],
        prefixlen: ai['prefixlen'],
        ...(typeof ai['label'] === 'string' ? { label: ai['label'] } : {}),
      });
    }
    out.push({
      ifindex: link['ifindex'],
      ifname: link['ifname'],
      ...(typeof link['address'] === 'string' ? { address: link['address'] } : {}),
      addrs,
    });
  }
  return out;
}
