import { parseSockaddr, type SocketAddress } from './socket-address.js';

/** One MIB_IPFORWARD_ROW2 (104 bytes on x64). */
export interface ForwardRow {
  readonly ifIndex: number;
  readonly destination: SocketAddress;
  readonly prefixLength: number;
  readonly nextHop: SocketAddress;
  readonly metric: number;
}

export const MIB_IPFORWARD_ROW2_SIZE = 104;

/**
 * MIB_IPFORWARD_TABLE2 → rows (pure): NumEntries @0, rows from @8; in a row
 * InterfaceIndex @8, DestinationPrefix.Prefix @12 (SOCKADDR_INET),
 * PrefixLength @40, NextHop @44, Metric @84.
 */
export function parseForwardTable(buf: Buffer): ForwardRow[] {
  const n = buf.readUInt32LE(0);
  const rows: ForwardRow[] = [];
  for (let i = 0; i < n; i++) {
    const at = 8 + i * MIB_IPFORWARD_ROW2_SIZE;
    if (at + MIB_IPFORWARD_ROW2_SIZE > buf.length) break;
    const destination = parseSockaddr(buf, at + 12);
    const nextHop = parseSockaddr(buf, at + 44);
    if (!destination || !nextHop) continue;
    rows.push({
      ifIndex: buf.readUInt32LE(at + 8),
      destination,
      prefixLength: buf.readUInt8(at + 40),
      nextHop,
      metric: buf.readUInt32LE(at + 84),
    });
  }
  return rows;
}
