import { parseSockaddr, type SocketAddress } from './socket-address.js';
import { readWide } from '../win32/wide-string.js';

/** One adapter of GetAdaptersAddresses, the members qga uses. */
export interface AdapterInfo {
  readonly ifIndex: number;
  readonly ipv6IfIndex: number;
  readonly friendlyName: string;
  /** Lower-case aa:bb:..., absent when the adapter has no physical address. */
  readonly hardwareAddress?: string;
  readonly mtu: number;
  readonly ipv4Metric: number;
  readonly ipv6Metric: number;
  readonly unicast: readonly (SocketAddress & { readonly prefix: number })[];
  readonly gateways: readonly SocketAddress[];
}

/**
 * Parses the buffer GetAdaptersAddresses filled (pure). Its lists are linked
 * by pointers into the same buffer, so `base` (the buffer's address when the
 * call ran) turns each pointer into an offset. x64 layouts:
 * IP_ADAPTER_ADDRESSES_LH: IfIndex @4, Next @8, FirstUnicastAddress @24,
 * FriendlyName @72, PhysicalAddress @80 (length @88), Mtu @96,
 * Ipv6IfIndex @108, FirstGatewayAddress @208, Ipv4Metric @216, Ipv6Metric @220;
 * IP_ADAPTER_UNICAST_ADDRESS_LH: Next @8, Address.lpSockaddr @16,
 * OnLinkPrefixLength @56; IP_ADAPTER_GATEWAY_ADDRESS_LH: Next @8, Address @16.
 */
export function parseAdapterAddresses(buf: Buffer, base: bigint): AdapterInfo[] {
  const offsetOf = (pointer: bigint): number | undefined => {
    if (pointer === 0n) return undefined;
    const off = pointer - base;
    if (off < 0n || off >= BigInt(buf.length)) throw new Error('GetAdaptersAddresses: pointer outside the buffer');
    return Number(off);
  };
  const adapters: AdapterInfo[] = [];
  for (let at: number | undefined = buf.length > 0 ? 0 : undefined, guard = 0; at !== undefined && guard < 4096; guard++) {
    const macLength = Math.min(buf.readUInt32LE(at + 88), 8);
    const mac = [...buf.subarray(at + 80, at + 80 + macLength)].map((b) => b.toString(16).padStart(2, '0')).join(':');
    const unicast: (SocketAddress & { prefix: number })[] = [];
    for (
      let u = offsetOf(buf.readBigUInt64LE(at + 24)), g2 = 0;
      u !== undefined && g2 < 4096;
      u = offsetOf(buf.readBigUInt64LE(u + 8)), g2++
    ) {
      const sa = offsetOf(buf.readBigUInt64LE(u + 16));
      const parsed = sa === undefined ? undefined : parseSockaddr(buf, sa);
      if (parsed) unicast.push({ ...parsed, prefix: buf.readUInt8(u + 56) });
    }
    const gateways: SocketAddress[] = [];
    for (
      let g = offsetOf(buf.readBigUInt64LE(at + 208)), g3 = 0;
      g !== undefined && g3 < 4096;
      g = offsetOf(buf.readBigUInt64LE(g + 8)), g3++
    ) {
      const sa = offsetOf(buf.readBigUInt64LE(g + 16));
      const parsed = sa === undefined ? undefined : parseSockaddr(buf, sa);
      if (parsed) gateways.push(parsed);
    }
    const name = offsetOf(buf.readBigUInt64LE(at + 72));
    adapters.push({
      ifIndex: buf.readUInt32LE(at + 4),
      ipv6IfIndex: buf.readUInt32LE(at + 108),
      friendlyName: name === undefined ? '' : readWide(buf, name),
      ...(macLength > 0 && { hardwareAddress: mac }),
      mtu: buf.readUInt32LE(at + 96),
      ipv4Metric: buf.readUInt32LE(at + 216),
      ipv6Metric: buf.readUInt32LE(at + 220),
      unicast,
      gateways,
    });
    at = offsetOf(buf.readBigUInt64LE(at + 8));
  }
  return adapters;
}
