import { inject, injectable } from 'inversify';
import type { Command, CommandSpec } from '../dispatch/command.js';
import type { NetworkPort } from '../ports/network-port.js';
import type { GuestNetworkInterface, GuestNetworkRoute } from '../schema/guest-types.js';
import { TOKENS } from '../tokens.js';

@injectable()
export class GuestNetworkGetInterfacesCommand implements Command<Record<string, never>, GuestNetworkInterface[]> {
  readonly spec: CommandSpec = { name: 'guest-network-get-interfaces' };

  constructor(@inject(TOKENS.NetworkPort) private readonly network: NetworkPort) {}

  run(): Promise<GuestNetworkInterface[]> {
    return this.network.interfaces();
  }
}

@injectable()
export class GuestNetworkGetRouteCommand implements Command<Record<string, never>, GuestNetworkRoute[]> {
  readonly spec: CommandSpec = { name: 'guest-network-get-route' };

  constructor(@inject(TOKENS.NetworkPort) private readonly network: NetworkPort) {}

  run(): Promise<GuestNetworkRoute[]> {
    return this.network.routes();
  }
}
