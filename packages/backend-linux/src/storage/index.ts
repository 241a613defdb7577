export type { PciStep, HostProbe, RealDeviceFacts } from './disk-address.js';
export type { StatfsNumbers } from './bounded-statfs.js';
export type { FsSizes } from './fs-sizes.js';

export { LinuxStorage } from './linux-storage.js';
export { parseDiskstats } from './diskstats-parser.js';
export { decodeRealDevice, addressProbes, pciChain, hostProbe, scsiTarget, hostNumbersFromEntries } from './disk-address.js';
export { parseUevent, parseUdevDb, devnodeFromUevent } from './udev-props.js';
export { parseNvmeSmartLog } from './nvme-smart-parser.js';
export { fsSizes } from './fs-sizes.js';
export { BoundedStatfs } from './bounded-statfs.js';
export { SysfsView } from './sysfs-view.js';
