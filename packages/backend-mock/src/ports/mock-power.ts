import { QgaError, type PowerPort, type ShutdownMode, type SuspendMode } from '@qga/core';
import type { FailureQueue } from '../failures.js';
import type { MockGuest } from '../mock-guest.js';

/** Records shutdowns and suspends in `guest.power.history` instead of doing them. */
export class MockPower implements PowerPort {
  constructor(
    private readonly guest: MockGuest,
    private readonly failures: FailureQueue,
  ) {}

  async shutdown(mode: ShutdownMode): Promise<void> {
    this.failures.check('power.shutdown');
    this.guest.power.history.push({ kind: 'shutdown', mode, at: this.guest.clock.now() });
  }

  async suspend(mode: SuspendMode): Promise<void> {
    this.failures.check('power.suspend');
    if (!this.guest.power.suspendModes.includes(mode)) {
      throw new QgaError('the requested suspend mode is not supported by the guest');
    }
    this.guest.power.history.push({ kind: 'suspend', mode, at: this.guest.clock.now() });
  }
}
