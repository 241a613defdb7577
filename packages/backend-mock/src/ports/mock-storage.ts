import type { GuestDiskInfo, GuestDiskStatsInfo, GuestFilesystemInfo, StoragePort } from '@qga/core';
import type { FailureQueue } from '../failures.js';
import type { MockGuest } from '../mock-guest.js';

export class MockStorage implements StoragePort {
  constructor(
    private readonly guest: MockGuest,
    private readonly failures: FailureQueue,
  ) {}

  async disks(): Promise<GuestDiskInfo[]> {
    this.failures.check('storage.disks');
    return structuredClone(this.guest.storage.disks);
  }

  /** One entry per local mount, reverse mount order; sizes only when statvfs figures are set. */
  async filesystems(): Promise<GuestFilesystemInfo[]> {
    this.failures.check('storage.filesystems');
    return this.guest.storage.mounts
      .filter((m) => m.local !== false)
      .reverse()
      .map((m) => {
        const info: GuestFilesystemInfo = {
          name: m.device.slice(m.device.lastIndexOf('/') + 1),
          mountpoint: m.mountpoint,
          type: m.type,
          disk: structuredClone(m.disk ?? []),
        };
        if (m.totalBytes !== undefined && m.usedBytes !== undefined) {
          info['used-bytes'] = m.usedBytes;
          info['total-bytes'] = m.totalBytes;
          info['total-bytes-privileged'] = m.privilegedBytes ?? m.totalBytes;
        }
        return info;
      });
  }

  async diskStats(): Promise<GuestDiskStatsInfo[]> {
    this.failures.check('storage.diskStats');
    return structuredClone(this.guest.storage.diskStats);
  }
}
