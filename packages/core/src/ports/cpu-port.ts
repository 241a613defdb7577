import type { GuestCpuStats, GuestLogicalProcessor } from '../schema/guest-types.js';

/** Logical CPUs: list them, bring them on or offline, read their time counters. */
export interface CpuPort {
  /** Every logical CPU the guest has, online or not. */
  vcpus(): Promise<GuestLogicalProcessor[]>;
  /** Bring one logical CPU on/offline; already in that state is success. Throws QgaError. */
  setOnline(logicalId: number, online: boolean): Promise<void>;
  /** Time counters of every logical CPU. */
  stats(): Promise<GuestCpuStats[]>;
}
