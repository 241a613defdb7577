import type { GuestCpuStats, GuestLogicalProcessor } from '../schema/guest-types.js';

export interface CpuPort {
  vcpus(): Promise<GuestLogicalProcessor[]>;
  /** Bring one logical CPU on/offline; already in that state is success. Throws QgaError. */
  setOnline(logicalId: number, online: boolean): Promise<void>;
  stats(): Promise<GuestCpuStats[]>;
}
