import type { GuestDiskInfo, GuestDiskStatsInfo, GuestFilesystemInfo } from '../schema/guest-types.js';

export interface StoragePort {
  disks(): Promise<GuestDiskInfo[]>;
  filesystems(): Promise<GuestFilesystemInfo[]>;
  diskStats(): Promise<GuestDiskStatsInfo[]>;
}
