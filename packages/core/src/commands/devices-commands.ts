import { inject, injectable } from 'inversify';
import type { Command, CommandSpec } from '../dispatch/command.js';
import type { DevicesPort } from '../ports/system-info-port.js';
import type { GuestDeviceInfo } from '../schema/guest-types.js';
import { TOKENS } from '../tokens.js';

@injectable()
export class GuestGetDevicesCommand implements Command<Record<string, never>, GuestDeviceInfo[]> {
  readonly spec: CommandSpec = { name: 'guest-get-devices' };

  constructor(@inject(TOKENS.DevicesPort) private readonly devices: DevicesPort) {}

  run(): Promise<GuestDeviceInfo[]> {
    return this.devices.devices();
  }
}
