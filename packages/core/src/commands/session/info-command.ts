import { inject, injectable } from 'inversify';
import { TOKENS, INTERNAL_TOKENS } from '../../tokens.js';
import type { AgentConfig } from '../../agent/agent-config.js';
import type { Command } from '../../dispatch/command.js';
import type { CommandRegistry } from '../../dispatch/command-registry.js';
import type { GuestAgentInfo } from '../../schema/guest-types.js';

/**
 * guest-info: the version and every registered command with its live
 * `enabled` flag, in reverse registration order like qemu-ga.
 * The registry is reached through a provider because it contains this command.
 */
@injectable()
export class InfoCommand implements Command<Record<string, never>, GuestAgentInfo> {
  readonly spec = { name: 'guest-info', allowedWhileFrozen: true } as const;

  constructor(
    @inject(TOKENS.AgentConfig) private readonly config: AgentConfig,
    @inject(INTERNAL_TOKENS.CommandCatalog) private readonly catalog: () => CommandRegistry,
  ) {}

  run(): GuestAgentInfo {
    const registry = this.catalog();
    const commands = registry.list().map((entry) => ({
      name: entry.name,
      enabled: registry.isEnabled(entry),
      'success-response': entry.successResponse,
    }));
    return { version: this.config.version, supported_commands: commands.reverse() };
  }
}
