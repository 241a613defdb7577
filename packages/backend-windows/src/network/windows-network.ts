import { injectable } from 'inversify';
import type { GuestIpAddress, GuestNetworkInterface, GuestNetworkRoute, NetworkPort } from '@qga/core';
import { win32, type Ptr } from '../win32/win32-api.js';
import { Win32Error } from '../win32/win32-error.js';
import { parseAdapterAddresses, type AdapterInfo } from './adapter-addresses.js';
import { interfaceMtu, interfaceStatistics, MIB_IF_ROW2_SIZE } from './interface-row.js';
import { MIB_IPFORWARD_ROW2_SIZE, parseForwardTable } from './forward-table.js';
import { ipv4Mask } from './socket-address.js';

const AF_UNSPEC = 0;
const GAA_FLAG_SKIP_ANYCAST = 0x2;
const GAA_FLAG_SKIP_MULTICAST = 0x4;
const GAA_FLAG_SKIP_DNS_SERVER = 0x8;
const GAA_FLAG_INCLUDE_GATEWAYS = 0x80;
const ERROR_BUFFER_OVERFLOW = 111;

/** Interfaces (GetAdaptersAddresses + GetIfEntry2) and routes (GetIpForwardTable2). */
@injectable()
export class WindowsNetwork implements NetworkPort {
  async interfaces(): Promise<GuestNetworkInterface[]> {
    return adapters().map((a) => {
      const ips: GuestIpAddress[] = a.unicast.map((u) => ({
        'ip-address': u.address,
        'ip-address-type': u.family === 4 ? 'ipv4' : 'ipv6',
        prefix: u.prefix,
      }));
      const row = ifRow(a.ifIndex || a.ipv6IfIndex);
      return {
        name: a.friendlyName,
        ...(a.hardwareAddress !== undefined && { 'hardware-address': a.hardwareAddress }),
        ...(ips.length > 0 && { 'ip-addresses': ips }),
        ...(row && { statistics: interfaceStatistics(row) }),
      };
    });
  }

  async routes(): Promise<GuestNetworkRoute[]> {
    const api = win32();
    const byIndex = new Map<number, AdapterInfo>();
    for (const a of adapters()) {
      if (a.ifIndex) byIndex.set(a.ifIndex, a);
      if (a.ipv6IfIndex) byIndex.set(a.ipv6IfIndex, a);
    }
    const table: [Ptr] = [null];
    const status = api.GetIpForwardTable2(AF_UNSPEC, table);
    if (status !== 0) throw new Win32Error('GetIpForwardTable2', status);
    let rows;
    try {
      const count = Buffer.from(api.koffi.view(table[0], 4)).readUInt32LE(0);
      rows = parseForwardTable(Buffer.from(api.koffi.view(table[0], 8 + count * MIB_IPFORWARD_ROW2_SIZE)));
    } finally {
      api.FreeMibTable(table[0]);
    }
    const mtus = new Map<number, number | undefined>();
    return rows.map((r): GuestNetworkRoute => {
      const adapter = byIndex.get(r.ifIndex);
      const v4 = r.destination.family === 4;
      if (!mtus.has(r.ifIndex)) {
        const row = ifRow(r.ifIndex);
        mtus.set(r.ifIndex, row ? interfaceMtu(row) : undefined);
      }
      const mtu = mtus.get(r.ifIndex);
      const interfaceMetric = adapter ? (v4 ? adapter.ipv4Metric : adapter.ipv6Metric) : 0;
      return {
        iface: adapter?.friendlyName || `if${r.ifIndex}`,
        destination: r.destination.address,
        metric: r.metric + interfaceMetric,
        ...(v4
          ? { gateway: r.nextHop.address, mask: ipv4Mask(r.prefixLength) }
          : { nexthop: r.nextHop.address, desprefixlen: String(r.prefixLength) }),
        ...(mtu !== undefined && { mtu }),
        version: v4 ? 4 : 6,
      };
    });
  }
}

/** GetAdaptersAddresses into a Buffer, grown until it fits, parsed with the buffer's address. */
function adapters(): AdapterInfo[] {
  const api = win32();
  const flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER | GAA_FLAG_INCLUDE_GATEWAYS;
  let size: [number] = [16 * 1024];
  for (let attempt = 0; attempt < 4; attempt++) {
    const buf = Buffer.alloc(size[0]);
    const status = api.GetAdaptersAddresses(AF_UNSPEC, flags, null, buf, size);
    if (status === 0) return parseAdapterAddresses(buf.subarray(0, size[0] || buf.length), BigInt(api.koffi.address(buf)));
    if (status === 232 /* ERROR_NO_DATA */) return [];
    if (status !== ERROR_BUFFER_OVERFLOW) throw new Win32Error('GetAdaptersAddresses', status);
    size = [Math.max(size[0], buf.length * 2)];
  }
  throw new Win32Error('GetAdaptersAddresses', ERROR_BUFFER_OVERFLOW);
}

/** MIB_IF_ROW2 of an interface, or undefined when GetIfEntry2 refuses. */
function ifRow(index: number): Buffer | undefined {
  const row = Buffer.alloc(MIB_IF_ROW2_SIZE);
  row.writeUInt32LE(index, 8);
  return win32().GetIfEntry2(row) === 0 ? row : undefined;
}
