export type { LinuxInventoryConfig, LinuxInventoryOptions } from './inventory-config.js';
export type { DirEntry, EntryType } from './fs-read.js';

export { DEFAULT_LINUX_INVENTORY_CONFIG, resolveInventoryConfig } from './inventory-config.js';
export { listDir, listDirIfExists, readRegularFile } from './fs-read.js';
export { withTimeout, TIMED_OUT } from './with-timeout.js';
export { mapLimit, IO_CONCURRENCY } from './map-limit.js';
