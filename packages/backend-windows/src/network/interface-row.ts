import type { GuestNetworkInterfaceStat } from '@qga/core';

/** MIB_IF_ROW2 is 1352 bytes; InterfaceIndex @8, Mtu @1124, counters from InOctets @1208. */
export const MIB_IF_ROW2_SIZE = 1352;

/** MIB_IF_ROW2 → qemu-ga's statistics (pure): packets are unicast + non-unicast. */
export function interfaceStatistics(row: Buffer): GuestNetworkInterfaceStat {
  const u = (off: number): number => Number(row.readBigUInt64LE(off));
  return {
    'rx-bytes': u(1208),
    'rx-packets': u(1216) + u(1224),
    'rx-errs': u(1240),
    'rx-dropped': u(1232),
    'tx-bytes': u(1280),
    'tx-packets': u(1288) + u(1296),
    'tx-errs': u(1312),
    'tx-dropped': u(1304),
  };
}

export function interfaceMtu(row: Buffer): number {
  return row.readUInt32LE(1124);
}
