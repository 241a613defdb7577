import { inject, injectable } from 'inversify';
import type { Command, CommandSpec } from '../dispatch/command.js';
import type { PowerPort, ShutdownMode } from '../ports/power-port.js';
import { QgaError } from '../protocol/qga-error.js';
import { TOKENS } from '../tokens.js';

export interface GuestShutdownArgs {
  readonly mode?: string;
}

const SHUTDOWN_MODES: readonly string[] = ['halt', 'powerdown', 'reboot'];

/** guest-shutdown: no reply on success (success-response false). */
@injectable()
export class GuestShutdownCommand implements Command<GuestShutdownArgs, void> {
  readonly spec: CommandSpec = { name: 'guest-shutdown', args: { '*mode': 'str' }, successResponse: false };

  constructor(@inject(TOKENS.PowerPort) private readonly power: PowerPort) {}

  async run(args: GuestShutdownArgs): Promise<void> {
    const mode = args.mode ?? 'powerdown';
    // The closing parenthesis is missing in qemu-ga too; hosts match this text.
    if (!SHUTDOWN_MODES.includes(mode)) throw new QgaError('mode is invalid (valid values are: halt|powerdown|reboot');
    await this.power.shutdown(mode as ShutdownMode);
  }
}

@injectable()
export class GuestSuspendDiskCommand implements Command<Record<string, never>, void> {
  readonly spec: CommandSpec = { name: 'guest-suspend-disk', successResponse: false };

  constructor(@inject(TOKENS.PowerPort) private readonly power: PowerPort) {}

  async run(): Promise<void> {
    await this.power.suspend('disk');
  }
}

@injectable()
export class GuestSuspendRamCommand implements Command<Record<string, never>, void> {
  readonly spec: CommandSpec = { name: 'guest-suspend-ram', successResponse: false };

  constructor(@inject(TOKENS.PowerPort) private readonly power: PowerPort) {}

  async run(): Promise<void> {
    await this.power.suspend('ram');
  }
}

@injectable()
export class GuestSuspendHybridCommand implements Command<Record<string, never>, void> {
  readonly spec: CommandSpec = { name: 'guest-suspend-hybrid', successResponse: false };

  constructor(@inject(TOKENS.PowerPort) private readonly power: PowerPort) {}

  async run(): Promise<void> {
    await this.power.suspend('hybrid');
  }
}
