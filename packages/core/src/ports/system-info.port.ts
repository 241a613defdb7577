import type { GuestDeviceInfo, GuestLoadAverage, GuestOSInfo, GuestTimezone } from '../schema/guest-types.js';

export interface SystemInfoPort {
  osInfo(): Promise<GuestOSInfo>;
  hostName(): Promise<string>;
  timezone(): Promise<GuestTimezone>;
  load(): Promise<GuestLoadAverage>;
}

/** PCI devices of the guest (Windows only upstream). */
export interface DevicesPort {
  devices(): Promise<GuestDeviceInfo[]>;
}
