import { NEVER } from 'rxjs';
import type { ContainerModule } from 'inversify';
import { createAgent, type AgentConfig, type Backend } from '@qga/core';
import { INTERNAL_TOKENS, type CommandRegistry } from '@qga/core/internal';
import type { AgentSettings } from '../config/agent-settings.js';

/** AgentSettings → core's AgentConfig. */
export function agentConfig(settings: AgentSettings): Partial<AgentConfig> {
  return {
    stateDir: settings.statedir,
    blockRpcs: settings.blockRpcs,
    allowRpcs: settings.allowRpcs,
    ...(settings.fsfreezeHook !== undefined && { fsfreezeHook: settings.fsfreezeHook }),
    ...(settings.freezeTimeout !== undefined && { freezeTimeoutMs: settings.freezeTimeout * 1000 }),
  };
}

/** `-b help`: every command of an agent built with this backend and plugins, in registration order (nothing is started). */
export function listCommands(backend: Backend, plugins: readonly ContainerModule[] = []): string[] {
  const agent = createAgent({ transport: { description: 'none', sessions: () => NEVER }, backend, plugins });
  return agent.container
    .get<CommandRegistry>(INTERNAL_TOKENS.CommandRegistry)
    .list()
    .map((entry) => entry.name);
}
