import type { DevicesPort, GuestDeviceInfo, GuestLoadAverage, GuestOSInfo, GuestTimezone, SystemInfoPort } from '@qga/core';
import type { FailureQueue } from '../failures.js';
import type { MockGuest } from '../mock-guest.js';

export class MockSystemInfo implements SystemInfoPort {
  constructor(
    private readonly guest: MockGuest,
    private readonly failures: FailureQueue,
  ) {}

  async osInfo(): Promise<GuestOSInfo> {
    this.failures.check('systemInfo.osInfo');
    return { ...this.guest.system.osInfo };
  }

  async hostName(): Promise<string> {
    this.failures.check('systemInfo.hostName');
    return this.guest.system.hostName;
  }

  async timezone(): Promise<GuestTimezone> {
    this.failures.check('systemInfo.timezone');
    return { ...this.guest.system.timezone };
  }

  async load(): Promise<GuestLoadAverage> {
    this.failures.check('systemInfo.load');
    return { ...this.guest.system.load };
  }
}

export class MockDevices implements DevicesPort {
  constructor(
    private readonly guest: MockGuest,
    private readonly failures: FailureQueue,
  ) {}

  async devices(): Promise<GuestDeviceInfo[]> {
    this.failures.check('devices.devices');
    return structuredClone(this.guest.devices);
  }
}
