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
  const u64 = (b: Buffer, at: number): bigint => (le ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at));
  const u16 = (b: Buffer, at: number): number => (le ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const bytes = (p: bigint, n: number): Buffer => Buffer.from(Buffer.from(koffi.view(p, n))); // copied: freed below
  const out: IfAddrEntry[] = [];
  try {
    let p = head[0] as bigint | null;
    // struct ifaddrs (LP64): next, name, flags (+pad), addr, netmask, ifu, data
    while (p !== null && p !== 0n) {
      const ifa = bytes(p, 56);
      const name = koffi.decode(u64(ifa, 8), 'char', -1) as string;
      const addr = u64(ifa, 24);
      const mask = u64(ifa, 32);
      if (addr === 0n) {
        // A link without a device address (tun, wireguard): listed all the same, as qemu-ga lists it.
        out.push({ kind: 'link', name, ifindex: -1, hwaddr: new Uint8Array(0) });
      } else {
        const family = u16(bytes(addr, 2), 0);
        if (family === AF_PACKET) {
          const ll = bytes(addr, 20); // sockaddr_ll: family, protocol, ifindex, hatype, pkttype, halen, addr[8]
          const halen = Math.min(ll[11]!, 8);
          out.push({ kind: 'link', name, ifindex: le ? ll.readInt32LE(4) : ll.readInt32BE(4), hwaddr: ll.subarray(12, 12 + halen) });
        } else if (family === AF_INET) {
          out.push({ kind: 'ipv4', name, address: bytes(addr, 8).subarray(4, 8), netmask: mask === 0n ? undefined : bytes(mask, 8).subarray(4, 8) });
        } else if (family === AF_INET6) {
          out.push({ kind: 'ipv6', name, address: bytes(addr, 24).subarray(8, 24), netmask: mask === 0n ? undefined : bytes(mask, 24).subarray(8, 24) });
        }
      }
      const next = u64(ifa, 0);
      p = next === 0n ? null : next;
    }
  } finally {
    freeifaddrs(head[0]);
  }
  return out;
}
