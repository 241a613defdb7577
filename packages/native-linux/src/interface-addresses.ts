import { endianness } from 'node:os';
import { lastErrno, libcFunction, loadKoffi, sysError } from './libc.js';

const AF_INET = 2;
const AF_INET6 = 10;
const AF_PACKET = 17;

/** One getifaddrs(3) entry, in the kernel's order. */
export type IfAddrEntry =
  /** A link (AF_PACKET): every interface has one, with the device address SIOCGIFHWADDR returns. */
  | { readonly kind: 'link'; readonly name: string; readonly ifindex: number; readonly hwaddr: Uint8Array }
  /** An address: IPv4 names are the address label (`eth0:1`). */
  | { readonly kind: 'ipv4' | 'ipv6'; readonly name: string; readonly address: Uint8Array; readonly netmask: Uint8Array | undefined };

/**
 * getifaddrs(3): the list qemu-ga walks for guest-network-get-interfaces,
 * one netlink dump, no process spawned. Links come first, then IPv4, then
 * IPv6 addresses (glibc's order).
 */
export function interfaceAddresses(): IfAddrEntry[] {
  const { koffi } = loadKoffi();
  const getifaddrs = libcFunction('int getifaddrs(_Out_ void **ifap)');
  const freeifaddrs = libcFunction('void freeifaddrs(void *ifa)');
  const head: unknown[] = [null];
  if ((getifaddrs(head) as number) < 0) throw sysError(lastErrno(), 'getifaddrs');
  const le = endianness() === 'LE';
  // Views on libc's memory, no copies but the few bytes kept (copied before freeifaddrs).
  // glibc and musl store each address in a union at least as large as sockaddr_in6 (28 bytes).
  const out: IfAddrEntry[] = [];
  try {
    let p = head[0] as bigint | null;
    // struct ifaddrs (LP64): next, name, flags (+pad), addr, netmask, ifu, data
    while (p !== null && p !== 0n) {
      const ifa = new DataView(koffi.view(p, 56));
      const name = koffi.decode(ifa.getBigUint64(8, le), 'char', -1) as string;
      const addr = ifa.getBigUint64(24, le);
      const mask = ifa.getBigUint64(32, le);
      if (addr === 0n) {
        // A link without a device address (tun, wireguard): listed all the same, as qemu-ga lists it.
        out.push({ kind: 'link', name, ifindex: -1, hwaddr: new Uint8Array(0) });
      } else {
        const sa = new Uint8Array(koffi.view(addr, 28));
        const family = le ? sa[0]! | (sa[1]! << 8) : (sa[0]! << 8) | sa[1]!;
        if (family === AF_PACKET) {
          // sockaddr_ll: family, protocol, ifindex, hatype, pkttype, halen, addr[8]
          const ifindex = new DataView(sa.buffer, sa.byteOffset).getInt32(4, le);
          out.push({ kind: 'link', name, ifindex, hwaddr: sa.slice(12, 12 + Math.min(sa[11]!, 8)) });
        } else if (family === AF_INET) {
          out.push({ kind: 'ipv4', name, address: sa.slice(4, 8), netmask: mask === 0n ? undefined : new Uint8Array(koffi.view(mask, 8)).slice(4, 8) });
        } else if (family === AF_INET6) {
          out.push({ kind: 'ipv6', name, address: sa.slice(8, 24), netmask: mask === 0n ? undefined : new Uint8Array(koffi.view(mask, 24)).slice(8, 24) });
        }
      }
      const next = ifa.getBigUint64(0, le);
      p = next === 0n ? null : next;
    }
  } finally {
    freeifaddrs(head[0]);
  }
  return out;
}
