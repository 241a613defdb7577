import { endianness } from 'node:os';
import { lastErrno, libcFunction, loadKoffi, sysError, type Koffi } from './libc.js';

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
  return interfaceAddressesDecoded('auto');
}

/**
 * interfaceAddresses, decoded one way or the other ('auto': from the one
 * block when libc allocated it so). For the test that checks both agree.
 */
export function interfaceAddressesDecoded(how: 'auto' | 'entry-by-entry'): IfAddrEntry[] {
  const { koffi } = loadKoffi();
  const getifaddrs = libcFunction('int getifaddrs(_Out_ void **ifap)');
  const freeifaddrs = libcFunction('void freeifaddrs(void *ifa)');
  const head: unknown[] = [null];
  if ((getifaddrs(head) as number) < 0) throw sysError(lastErrno(), 'getifaddrs');
  const le = endianness() === 'LE';
  try {
    if (head[0] === null) return [];
    return (how === 'auto' ? fromOneBlock(koffi, head[0], le) : undefined) ?? entryByEntry(koffi, head[0], le);
  } finally {
    freeifaddrs(head[0]);
  }
}

// struct ifaddrs (LP64): next, name, flags (+pad), addr, netmask, ifu, data
const IFA_SIZE = 56;
const IFA_NEXT = 0;
const IFA_NAME = 8;
const IFA_ADDR = 24;
const IFA_NETMASK = 32;
/** glibc and musl store each address in a union at least as large as sockaddr_in6. */
const SOCKADDR_SIZE = 28;

/**
 * glibc's getifaddrs allocates the whole list (entries, addresses, names)
 * as one block starting at the head: then one view of that block
 * (malloc_usable_size bytes) is decoded with plain offsets. Each koffi view
 * or decode per entry costs microseconds, which made decoding 3× the netlink
 * dump itself. undefined when any pointer leaves the block (musl allocates
 * entry by entry): the caller walks entry by entry instead.
 */
function fromOneBlock(koffi: Koffi, headPtr: unknown, le: boolean): IfAddrEntry[] | undefined {
  let size: number;
  let base: bigint;
  try {
    size = Number(libcFunction('size_t malloc_usable_size(void *p)')(headPtr) as number | bigint);
    base = koffi.address(headPtr);
  } catch {
    return undefined;
  }
  if (!(size >= IFA_SIZE)) return undefined;
  const mem = new Uint8Array(koffi.view(headPtr, size));
  const dv = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
  const at = (ptr: bigint, length: number): number => {
    const off = ptr - base;
    return off >= 0n && off + BigInt(length) <= BigInt(size) ? Number(off) : -1;
  };
  const out: IfAddrEntry[] = [];
  for (let p = base; p !== 0n;) {
    const off = at(p, IFA_SIZE);
    if (off < 0) return undefined;
    const nameOff = at(dv.getBigUint64(off + IFA_NAME, le), 1);
    const nameEnd = nameOff < 0 ? -1 : mem.indexOf(0, nameOff);
    if (nameEnd < 0) return undefined;
    const name = Buffer.from(mem.buffer, mem.byteOffset + nameOff, nameEnd - nameOff).toString('utf8');
    const addrPtr = dv.getBigUint64(off + IFA_ADDR, le);
    const maskPtr = dv.getBigUint64(off + IFA_NETMASK, le);
    if (addrPtr === 0n) {
      out.push({ kind: 'link', name, ifindex: -1, hwaddr: new Uint8Array(0) });
    } else {
      const a = at(addrPtr, SOCKADDR_SIZE);
      const m = maskPtr === 0n ? undefined : at(maskPtr, SOCKADDR_SIZE);
      if (a < 0 || m === -1) return undefined;
      const entry = decodeEntry(
        name,
        mem.subarray(a, a + SOCKADDR_SIZE),
        m === undefined ? undefined : mem.subarray(m, m + SOCKADDR_SIZE),
        le,
      );
      if (entry !== undefined) out.push(entry);
    }
    p = dv.getBigUint64(off + IFA_NEXT, le);
  }
  return out;
}

/** One entry with an address; the bytes kept are copies (slice), libc's memory is freed after. */
function decodeEntry(name: string, sa: Uint8Array, mask: Uint8Array | undefined, le: boolean): IfAddrEntry | undefined {
  const family = le ? sa[0]! | (sa[1]! << 8) : (sa[0]! << 8) | sa[1]!;
  if (family === AF_PACKET) {
    // sockaddr_ll: family, protocol, ifindex, hatype, pkttype, halen, addr[8]
    const ifindex = new DataView(sa.buffer, sa.byteOffset).getInt32(4, le);
    return { kind: 'link', name, ifindex, hwaddr: sa.slice(12, 12 + Math.min(sa[11]!, 8)) };
  }
  if (family === AF_INET) return { kind: 'ipv4', name, address: sa.slice(4, 8), netmask: mask?.slice(4, 8) };
  if (family === AF_INET6) return { kind: 'ipv6', name, address: sa.slice(8, 24), netmask: mask?.slice(8, 24) };
  return undefined;
}

/** Views on libc's memory entry by entry (any libc's allocation). */
function entryByEntry(koffi: Koffi, headPtr: unknown, le: boolean): IfAddrEntry[] {
  const out: IfAddrEntry[] = [];
  let p = headPtr as bigint | null;
  while (p !== null && p !== 0n) {
    const ifa = new DataView(koffi.view(p, IFA_SIZE));
    const name = koffi.decode(ifa.getBigUint64(IFA_NAME, le), 'char', -1) as string;
    const addr = ifa.getBigUint64(IFA_ADDR, le);
    const mask = ifa.getBigUint64(IFA_NETMASK, le);
    if (addr === 0n) {
      // A link without a device address (tun, wireguard): listed all the same, as qemu-ga lists it.
      out.push({ kind: 'link', name, ifindex: -1, hwaddr: new Uint8Array(0) });
    } else {
      const entry = decodeEntry(
        name,
        new Uint8Array(koffi.view(addr, SOCKADDR_SIZE)),
        mask === 0n ? undefined : new Uint8Array(koffi.view(mask, SOCKADDR_SIZE)),
        le,
      );
      if (entry !== undefined) out.push(entry);
    }
    const next = ifa.getBigUint64(IFA_NEXT, le);
    p = next === 0n ? null : next;
  }
  return out;
}
