import type { Base64Bytes } from '../protocol/base64-bytes.js';

/**
 * Result shapes of the agent's commands, exactly as they go on the wire
 * (docs/commands.md#result-types): kebab-case keys, optional members omitted rather than null.
 * int → number (or bigint when it may exceed 2^53), uint64 → bigint | number.
 * Ports return these shapes, so no command needs a mapping layer.
 */
export type Int = number | bigint;

/**
 * One command in `guest-info`'s list: its name, whether the policy enables it, whether it answers
 * on success.
 */
export interface GuestAgentCommandInfo {
  name: string;
  enabled: boolean;
  'success-response': boolean;
}

/** `guest-info` reply: the agent's version and every command it knows. */
export interface GuestAgentInfo {
  version: string;
  supported_commands: GuestAgentCommandInfo[];
}

/** `guest-file-read` reply: the bytes read and whether the end of the file was reached. */
export interface GuestFileRead {
  count: number;
  /** Base64 on the wire; commands hand over the bytes (see Base64Bytes). */
  'buf-b64': string | Base64Bytes;
  eof: boolean;
}

/** `guest-file-write` reply: how many bytes were written. */
export interface GuestFileWrite {
  count: number;
  eof: boolean;
}

/** `guest-file-seek` reply: the new offset. */
export interface GuestFileSeek {
  position: Int;
  eof: boolean;
}

/** `guest-fsfreeze-status` reply. */
export type GuestFsfreezeStatus = 'thawed' | 'frozen';

/** Outcome of trimming one mounted filesystem: bytes trimmed, or the error for that path. */
export interface GuestFilesystemTrimResult {
  path: string;
  trimmed?: Int;
  minimum?: Int;
  error?: string;
}

/** `guest-fstrim` reply: one result per filesystem. */
export interface GuestFilesystemTrimResponse {
  paths: GuestFilesystemTrimResult[];
}

/** One address of a network interface, with its prefix length. */
export interface GuestIpAddress {
  'ip-address': string;
  'ip-address-type': 'ipv4' | 'ipv6';
  prefix: number;
}

/** Packet and byte counters of a network interface. */
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

/** `guest-network-get-interfaces` entry: name, MAC, addresses and counters. */
export interface GuestNetworkInterface {
  name: string;
  'hardware-address'?: string;
  'ip-addresses'?: GuestIpAddress[];
  statistics?: GuestNetworkInterfaceStat;
}

/** `guest-network-get-route` entry: one row of the kernel's IPv4 or IPv6 routing table. */
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

/** `guest-get-vcpus` entry: a logical CPU, whether it is online and whether it may go offline. */
export interface GuestLogicalProcessor {
  'logical-id': number;
  online: boolean;
  'can-offline'?: boolean;
}

/** Every disk bus name the protocol knows, in the protocol's order. */
export const GUEST_DISK_BUS_TYPES = [
  'ide',
  'fdc',
  'scsi',
  'virtio',
  'xen',
  'usb',
  'uml',
  'sata',
  'sd',
  'unknown',
  'ieee1394',
  'ssa',
  'fibre',
  'raid',
  'iscsi',
  'sas',
  'mmc',
  'virtual',
  'file-backed-virtual',
  'nvme',
] as const;
/** A disk bus name (one of GUEST_DISK_BUS_TYPES). */
export type GuestDiskBusType = (typeof GUEST_DISK_BUS_TYPES)[number];

/** A PCI address (domain, bus, slot, function) of a disk controller. */
export interface GuestPCIAddress {
  domain: number;
  bus: number;
  slot: number;
  function: number;
}

/** A channel-subsystem address of a disk on s390x. */
export interface GuestCCWAddress {
  cssid: number;
  ssid: number;
  subchno: number;
  devno: number;
}

/**
 * Where a disk or filesystem device sits: controller address, bus type, target, unit, serial,
 * device node.
 */
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

/** The NVMe SMART health log of a disk, as `guest-get-disks` reports it. */
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

/** `guest-get-disks` entry: a block device, whether it is a partition, its dependencies and address. */
export interface GuestDiskInfo {
  name: string;
  partition: boolean;
  dependencies?: string[];
  address?: GuestDiskAddress;
  alias?: string;
  smart?: GuestDiskSmart;
}

/** `guest-get-fsinfo` entry: a mounted filesystem, its type, sizes and the disks under it. */
export interface GuestFilesystemInfo {
  name: string;
  mountpoint: string;
  type: string;
  'used-bytes'?: Int;
  'total-bytes'?: Int;
  'total-bytes-privileged'?: Int;
  disk: GuestDiskAddress[];
}

/** `guest-get-memory-blocks` entry: one hot-pluggable memory block and its state. */
export interface GuestMemoryBlock {
  'phys-index': Int;
  online: boolean;
  'can-offline'?: boolean;
}

/** How a request to change one memory block ended. */
export type GuestMemoryBlockResponseType = 'success' | 'not-found' | 'operation-not-supported' | 'operation-failed';

/** `guest-set-memory-blocks` entry: the outcome for one block. */
export interface GuestMemoryBlockResponse {
  'phys-index': Int;
  response: GuestMemoryBlockResponseType;
  'error-code'?: number;
}

/** `guest-get-memory-block-info` reply: the size of a memory block in bytes. */
export interface GuestMemoryBlockInfo {
  size: Int;
}

/**
 * `guest-exec-status` reply: whether the process exited, its exit code or signal, and its captured
 * output.
 */
export interface GuestExecStatus {
  exited: boolean;
  exitcode?: number;
  signal?: number;
  'out-data'?: string | Base64Bytes;
  'err-data'?: string | Base64Bytes;
  'out-truncated'?: boolean;
  'err-truncated'?: boolean;
}

/** `guest-exec` reply: the pid to poll with `guest-exec-status`. */
export interface GuestExec {
  pid: number;
}

/** Which output streams `guest-exec` captures, and whether stdout and stderr are merged. */
export type GuestExecCaptureOutputMode = 'none' | 'stdout' | 'stderr' | 'separated' | 'merged';

/** `guest-get-host-name` reply. */
export interface GuestHostName {
  'host-name': string;
}

/** `guest-get-users` entry: a logged-in user and the time of their first login. */
export interface GuestUser {
  user: string;
  'login-time': number;
  domain?: string;
}

/** `guest-get-timezone` reply: the zone name (when known) and its offset from UTC in seconds. */
export interface GuestTimezone {
  zone?: string;
  offset: number;
}

/** `guest-get-osinfo` reply: kernel and distribution identification. */
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

/** `guest-get-devices` entry: a PCI device and its driver (Windows guests). */
export interface GuestDeviceInfo {
  'driver-name': string;
  'driver-date'?: Int;
  'driver-version'?: string;
  id?: { type: 'pci'; 'vendor-id': number; 'device-id': number };
}

/** `guest-ssh-get-authorized-keys` reply: the keys in the user's authorized_keys file. */
export interface GuestAuthorizedKeys {
  keys: string[];
}

/** I/O counters of one disk, from the kernel's disk statistics. */
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

/** `guest-get-diskstats` entry: a disk's name, device numbers and counters. */
export interface GuestDiskStatsInfo {
  name: string;
  major: Int;
  minor: Int;
  stats: GuestDiskStats;
}

/** CPU time counters of one logical CPU on Linux, in clock ticks. */
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

/** `guest-get-cpustats` entry (only the Linux variant exists). */
export type GuestCpuStats = GuestLinuxCpuStats;

/** `guest-get-load` reply: the 1, 5 and 15 minute load averages. */
export interface GuestLoadAverage {
  load1m: number;
  load5m: number;
  load15m: number;
}
