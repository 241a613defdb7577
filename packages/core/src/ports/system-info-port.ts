import type { GuestDeviceInfo, GuestLoadAverage, GuestOSInfo, GuestTimezone } from '../schema/guest-types.js';

/** Facts about the guest system: OS, host name, time zone, load. */
export interface SystemInfoPort {
  /** Kernel and distribution identification. */
  osInfo(): Promise<GuestOSInfo>;
  /** The guest's host name. */
  hostName(): Promise<string>;
  /** The current time zone and its UTC offset. */
  timezone(): Promise<GuestTimezone>;
  /** The load averages. */
  load(): Promise<GuestLoadAverage>;
}

/** PCI devices of the guest (Windows only upstream). */
export interface DevicesPort {
  /** Every PCI device with its driver. */
  devices(): Promise<GuestDeviceInfo[]>;
}
