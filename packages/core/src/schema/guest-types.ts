import type { Base64Bytes } from '../protocol/base64-bytes.js';

/**
 * Result shapes of the agent's commands, exactly as they go on the wire
 * (docs/commands.md#result-types): kebab-case keys, optional members omitted rather than null.
 * int → number (or bigint when it may exceed 2^53), uint64 → bigint | number.
 * Ports return these shapes, so no command needs a mapping layer.
 */
export type Int = number | bigint;

export interface GuestAgentCommandInfo {
  name: string;
  enabled: boolean;
  'success-response': boolean;
}

export interface GuestAgentInfo {
  version: string;
  supported_commands: GuestAgentCommandInfo[];
}

export interface GuestFileRead {
  count: number;
  /** Base64 on the wire; commands hand over the bytes (see Base64Bytes). */
  'buf-b64': string | Base64Bytes;
  eof: boolean;
}

export interface GuestFileWrite {
  count: number;
  eof: boolean;
}

export interface GuestFileSeek {
  position: Int;
  eof: boolean;
}

export type GuestFsfreezeStatus = 'thawed' | 'frozen';

export interface GuestFilesystemTrimResult {
  path: string;
  trimmed?: Int;
  minimum?: Int;
  error?: string;
}

export interface GuestFilesystemTrimResponse {
  paths: GuestFilesystemTrimResult[];
}

export interface GuestIpAddress {
  'ip-address': string;
  'ip-address-type': 'ipv4' | 'ipv6';
  prefix: number;
}

export interface GuestNetworkInterfaceStat {
  'rx-bytes': Int;
  'rx-packets': Int;
  'rx-errs': Int;
  'rx-dropped': Int;
  'tx-bytes': Int;
  'tx-packets': Int;
  'tx-errs': Int;
  'tx-dropped': Int;
}

export interface GuestNetworkInterface {
  name: string;
  'hardware-address'?: string;
  'ip-addresses'?: GuestIpAddress[];
  statistics?: GuestNetworkInterfaceStat;
}

export interface GuestNetworkRoute {
  iface: string;
  destination: string;
  metric: number;
  gateway?: string;
  mask?: string;
  irtt?: number;
  flags?: Int;
  refcnt?: number;
  use?: number;
  window?: number;
  mtu?: number;
  desprefixlen?: string;
  source?: string;
  srcprefixlen?: string;
  nexthop?: string;
  version: 4 | 6;
}

export interface GuestLogicalProcessor {
  'logical-id': number;
  online: boolean;
  'can-offline'?: boolean;
}

export const GUEST_DISK_BUS_TYPES = [
  'ide', 'fdc', 'scsi', 'virtio', 'xen', 'usb', 'uml', 'sata', 'sd', 'unknown', 'ieee1394',
  'ssa', 'fibre', 'raid', 'iscsi', 'sas', 'mmc', 'virtual', 'file-backed-virtual', 'nvme',
] as const;
export type GuestDiskBusType = (typeof GUEST_DISK_BUS_TYPES)[number];

export interface GuestPCIAddress {
  domain: number;
  bus: number;
  slot: number;
  function: number;
}

export interface GuestCCWAddress {
  cssid: number;
  ssid: number;
  subchno: number;
  devno: number;
}

export interface GuestDiskAddress {
  'pci-controller': GuestPCIAddress;
  'bus-type': GuestDiskBusType;
  bus: number;
  target: number;
  unit: number;
  serial?: string;
  dev?: string;
  'ccw-address'?: GuestCCWAddress;
}

export interface GuestNVMeSmart {
  'critical-warning': number;
  temperature: number;
  'available-spare': number;
  'available-spare-threshold': number;
  'percentage-used': number;
  'data-units-read-lo': Int;
  'data-units-read-hi': Int;
  'data-units-written-lo': Int;
  'data-units-written-hi': Int;
  'host-read-commands-lo': Int;
  'host-read-commands-hi': Int;
  'host-write-commands-lo': Int;
  'host-write-commands-hi': Int;
  'controller-busy-time-lo': Int;
  'controller-busy-time-hi': Int;
  'power-cycles-lo': Int;
  'power-cycles-hi': Int;
  'power-on-hours-lo': Int;
  'power-on-hours-hi': Int;
  'unsafe-shutdowns-lo': Int;
  'unsafe-shutdowns-hi': Int;
  'media-errors-lo': Int;
  'media-errors-hi': Int;
  'number-of-error-log-entries-lo': Int;
  'number-of-error-log-entries-hi': Int;
}

/** Flat on the wire: `{"type": "nvme", ...GuestNVMeSmart}`; other bus types carry no data. */
export type GuestDiskSmart = ({ type: 'nvme' } & GuestNVMeSmart) | { type: Exclude<GuestDiskBusType, 'nvme'> };

export interface GuestDiskInfo {
  name: string;
  partition: boolean;
  dependencies?: string[];
  address?: GuestDiskAddress;
  alias?: string;
  smart?: GuestDiskSmart;
}

export interface GuestFilesystemInfo {
  name: string;
  mountpoint: string;
  type: string;
  'used-bytes'?: Int;
  'total-bytes'?: Int;
  'total-bytes-privileged'?: Int;
  disk: GuestDiskAddress[];
}

export interface GuestMemoryBlock {
  'phys-index': Int;
  online: boolean;
  'can-offline'?: boolean;
}

export type GuestMemoryBlockResponseType = 'success' | 'not-found' | 'operation-not-supported' | 'operation-failed';

export interface GuestMemoryBlockResponse {
  'phys-index': Int;
  response: GuestMemoryBlockResponseType;
  'error-code'?: number;
}

export interface GuestMemoryBlockInfo {
  size: Int;
}

export interface GuestExecStatus {
  exited: boolean;
  exitcode?: number;
  signal?: number;
  'out-data'?: string | Base64Bytes;
  'err-data'?: string | Base64Bytes;
  'out-truncated'?: boolean;
  'err-truncated'?: boolean;
}

export interface GuestExec {
  pid: number;
}

export type GuestExecCaptureOutputMode = 'none' | 'stdout' | 'stderr' | 'separated' | 'merged';

export interface GuestHostName {
  'host-name': string;
}

export interface GuestUser {
  user: string;
  'login-time': number;
  domain?: string;
}

export interface GuestTimezone {
  zone?: string;
  offset: number;
}

export interface GuestOSInfo {
  'kernel-release'?: string;
  'kernel-version'?: string;
  machine?: string;
  id?: string;
  name?: string;
  'pretty-name'?: string;
  version?: string;
  'version-id'?: string;
  variant?: string;
  'variant-id'?: string;
}

export interface GuestDeviceInfo {
  'driver-name': string;
  'driver-date'?: Int;
  'driver-version'?: string;
  id?: { type: 'pci'; 'vendor-id': number; 'device-id': number };
}

export interface GuestAuthorizedKeys {
  keys: string[];
}

export interface GuestDiskStats {
  'read-sectors'?: Int;
  'read-ios'?: Int;
  'read-merges'?: Int;
  'write-sectors'?: Int;
  'write-ios'?: Int;
  'write-merges'?: Int;
  'discard-sectors'?: Int;
  'discard-ios'?: Int;
  'discard-merges'?: Int;
  'flush-ios'?: Int;
  'read-ticks'?: Int;
  'write-ticks'?: Int;
  'discard-ticks'?: Int;
  'flush-ticks'?: Int;
  'ios-pgr'?: Int;
  'total-ticks'?: Int;
  'weight-ticks'?: Int;
}

export interface GuestDiskStatsInfo {
  name: string;
  major: Int;
  minor: Int;
  stats: GuestDiskStats;
}

export interface GuestLinuxCpuStats {
  type: 'linux';
  cpu: number;
  user: Int;
  nice: Int;
  system: Int;
  idle: Int;
  iowait?: Int;
  irq?: Int;
  softirq?: Int;
  steal?: Int;
  guest?: Int;
  guestnice?: Int;
}

export type GuestCpuStats = GuestLinuxCpuStats;

export interface GuestLoadAverage {
  load1m: number;
  load5m: number;
  load15m: number;
}
