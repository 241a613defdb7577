import { inject, injectable } from 'inversify';
import type { Command, CommandSpec } from '../dispatch/command.js';
import type { SystemInfoPort } from '../ports/system-info-port.js';
import type { GuestHostName, GuestLoadAverage, GuestOSInfo, GuestTimezone } from '../schema/guest-types.js';
import { TOKENS } from '../tokens.js';

@injectable()
export class GuestGetHostNameCommand implements Command<Record<string, never>, GuestHostName> {
  readonly spec: CommandSpec = { name: 'guest-get-host-name' };

  constructor(@inject(TOKENS.SystemInfoPort) private readonly system: SystemInfoPort) {}

  async run(): Promise<GuestHostName> {
    return { 'host-name': await this.system.hostName() };
  }
}

@injectable()
export class GuestGetTimezoneCommand implements Command<Record<string, never>, GuestTimezone> {
  readonly spec: CommandSpec = { name: 'guest-get-timezone' };

  constructor(@inject(TOKENS.SystemInfoPort) private readonly system: SystemInfoPort) {}

  run(): Promise<GuestTimezone> {
    return this.system.timezone();
  }
}

@injectable()
export class GuestGetOsinfoCommand implements Command<Record<string, never>, GuestOSInfo> {
  readonly spec: CommandSpec = { name: 'guest-get-osinfo' };

  constructor(@inject(TOKENS.SystemInfoPort) private readonly system: SystemInfoPort) {}

  run(): Promise<GuestOSInfo> {
    return this.system.osInfo();
  }
}

@injectable()
export class GuestGetLoadCommand implements Command<Record<string, never>, GuestLoadAverage> {
  readonly spec: CommandSpec = { name: 'guest-get-load' };

  constructor(@inject(TOKENS.SystemInfoPort) private readonly system: SystemInfoPort) {}

  run(): Promise<GuestLoadAverage> {
    return this.system.load();
  }
}
