import type { GuestNetworkInterface, GuestNetworkRoute } from '../schema/guest-types.js';

/** The guest's network interfaces and routes. */
export interface NetworkPort {
  /** Every interface with its addresses and counters. */
  interfaces(): Promise<GuestNetworkInterface[]>;
  /** The routing table, IPv4 then IPv6. */
  routes(): Promise<GuestNetworkRoute[]>;
}
