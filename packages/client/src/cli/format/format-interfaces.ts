import type { GuestNetworkInterface } from '../../types/guest-types.js';

/** ifconfig-style text for guest-network-get-interfaces. */
export function formatInterfaces(interfaces: readonly GuestNetworkInterface[]): string {
  const out: string[] = [];
  for (const nic of interfaces) {
    out.push(`${nic.name}:${nic['hardware-address'] ? ` hwaddr ${nic['hardware-address']}` : ''}`);
    for (const ip of nic['ip-addresses'] ?? []) {
      out.push(`    ${ip['ip-address-type'] === 'ipv6' ? 'inet6' : 'inet'} ${ip['ip-address']}/${ip.prefix}`);
    }
    const s = nic.statistics;
    if (s) {
      out.push(`    rx ${s['rx-bytes']} bytes  ${s['rx-packets']} packets  ${s['rx-errs']} errors  ${s['rx-dropped']} dropped`);
      out.push(`    tx ${s['tx-bytes']} bytes  ${s['tx-packets']} packets  ${s['tx-errs']} errors  ${s['tx-dropped']} dropped`);
    }
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}
