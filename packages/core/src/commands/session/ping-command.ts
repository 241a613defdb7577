import { inject, injectable } from 'inversify';
import { TOKENS } from '../../tokens.js';
import type { Command } from '../../dispatch/command.js';
import type { Logger } from '../../ports/logger-port.js';

/** guest-ping: proves the agent is alive; returns {}. */
@injectable()
export class PingCommand implements Command<Record<string, never>, undefined> {
  readonly spec = { name: 'guest-ping', allowedWhileFrozen: true } as const;

  constructor(@inject(TOKENS.Logger) private readonly logger: Logger) {}

  run(): undefined {
    this.logger.log('debug', 'guest-ping called');
    return undefined;
  }
}
