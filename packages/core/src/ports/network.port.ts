import type { GuestNetworkInterface, GuestNetworkRoute } from '../schema/guest-types.js';

export interface NetworkPort {
  interfaces(): Promise<GuestNetworkInterface[]>;
  routes(): Promise<GuestNetworkRoute[]>;
}
