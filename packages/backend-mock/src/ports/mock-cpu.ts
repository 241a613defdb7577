import { QgaError, type CpuPort, type GuestCpuStats, type GuestLogicalProcessor } from '@qga/core';
import type { FailureQueue } from '../failures.js';
import type { MockGuest } from '../mock-guest.js';

/** vCPUs as Linux sysfs shows them; messages are qemu-ga's. */
export class MockCpu implements CpuPort {
  constructor(
    private readonly guest: MockGuest,
    private readonly failures: FailureQueue,
  ) {}

  async vcpus(): Promise<GuestLogicalProcessor[]> {
    this.failures.check('cpu.vcpus');
    return this.guest.cpus.map((c) => ({ 'logical-id': c.id, online: c.online, 'can-offline': c.canOffline }));
  }

  async setOnline(logicalId: number, online: boolean): Promise<void> {
    this.failures.check('cpu.setOnline');
    const cpu = this.guest.cpus.find((c) => c.id === logicalId);
    if (cpu === undefined) {
      throw new QgaError(`open("/sys/devices/system/cpu/cpu${logicalId}/"): No such file or directory`);
    }
    if (!cpu.canOffline) {
      // No `online` file: onlining is a no-op success, offlining impossible.
      if (!online) throw new QgaError(`logical processor #${logicalId} can't be offlined`);
      return;
    }
    cpu.online = online;
  }

  async stats(): Promise<GuestCpuStats[]> {
    this.failures.check('cpu.stats');
    return this.guest.cpus.map((c) => ({
      type: 'linux',
      cpu: c.id,
      ...(c.stats ?? { user: 0n, nice: 0n, system: 0n, idle: 0n }),
    }));
  }
}
