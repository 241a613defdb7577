import type { GuestNetworkInterface, GuestNetworkRoute, NetworkPort } from '@qga/core';
import type { FailureQueue } from '../failures.js';
import type { MockGuest } from '../mock-guest.js';

export class MockNetwork implements NetworkPort {
  constructor(
    private readonly guest: MockGuest,
    private readonly failures: FailureQueue,
  ) {}

  async interfaces(): Promise<GuestNetworkInterface[]> {
    this.failures.check('network.interfaces');
    return structuredClone(this.guest.network.interfaces);
  }

  async routes(): Promise<GuestNetworkRoute[]> {
    this.failures.check('network.routes');
    return structuredClone(this.guest.network.routes);
  }
}
