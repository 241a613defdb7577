import type { GuestDiskInfo, GuestDiskStatsInfo, GuestFilesystemInfo } from '../schema/guest-types.js';

/** Disks, mounted filesystems and disk I/O counters. */
export interface StoragePort {
  /** Every block device, with partitions and their dependencies. */
  disks(): Promise<GuestDiskInfo[]>;
  /** Every mounted filesystem with its sizes and underlying disks. */
  filesystems(): Promise<GuestFilesystemInfo[]>;
  /** I/O counters of every disk. */
  diskStats(): Promise<GuestDiskStatsInfo[]>;
}
