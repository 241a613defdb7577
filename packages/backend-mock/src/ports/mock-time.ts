import type { TimePort } from '@qga/core';
import type { FailureQueue } from '../failures.js';
import type { MockGuest } from '../mock-guest.js';

/** The guest clock: set it (and copy to the RTC), or set it from the RTC. */
export class MockTime implements TimePort {
  constructor(
    private readonly guest: MockGuest,
    private readonly failures: FailureQueue,
  ) {}

  now(): bigint {
    return this.guest.clock.now();
  }

  async setTime(ns?: bigint): Promise<void> {
    this.failures.check('time.setTime');
    if (ns !== undefined) {
      this.guest.clock.setSystemTime(ns);
      this.guest.clock.systemToRtc();
    } else {
      this.guest.clock.rtcToSystem();
    }
  }
}
