import type { IfAddrEntry } from '@qga/native-linux';
import { inet6Ntop } from './inet-ntop.js';
import type { AddressInfo, LinkInfo } from './interface-list.js';

function prefixBits(mask: Uint8Array | undefined): number {
  let bits = 0;
  for (const byte of mask ?? []) {
    for (let b = byte; b !== 0; b >>>= 1) bits += b & 1;
  }
  return bits;
}

/**
 * getifaddrs() entries → links (every interface, in the kernel's order, with
 * the first 6 bytes of its device address zero-padded: what qemu-ga prints of
 * SIOCGIFHWADDR) and addresses (IPv4 by label, prefix = popcount of the netmask).
 */
export function fromIfAddrs(entries: readonly IfAddrEntry[]): { links: LinkInfo[]; addresses: AddressInfo[] } {
  const links: LinkInfo[] = [];
  const addresses: AddressInfo[] = [];
  for (const e of entries) {
    if (e.kind === 'link') {
      const six = [...e.hwaddr.subarray(0, 6)].map((b) => b.toString(16).padStart(2, '0'));
      while (six.length < 6) six.push('00');
      links.push({ name: e.name, hwaddr: six.join(':') });
    } else if (e.kind === 'ipv4') {
      addresses.push({ name: e.name, family: 'ipv4', address: [...e.address].join('.'), prefix: prefixBits(e.netmask) });
    } else {
      addresses.push({ name: e.name, family: 'ipv6', address: inet6Ntop(e.address), prefix: prefixBits(e.netmask) });
    }
  }
  return { links, addresses };
}
