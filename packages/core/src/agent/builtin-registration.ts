import type { Container, Newable } from 'inversify';
import { TOKENS } from '../tokens.js';
import type { Command } from '../dispatch/command.js';
import { SyncCommand, SyncDelimitedCommand } from '../commands/session/sync-commands.js';
import { PingCommand } from '../commands/session/ping-command.js';
import { InfoCommand } from '../commands/session/info-command.js';
import { builtinCommands } from '../commands/builtin-commands.js';
import { coreServicesModule } from '../services/core-services-module.js';

const SESSION_COMMANDS = [SyncDelimitedCommand, SyncCommand, PingCommand, InfoCommand];

/**
 * Binds the core services and every built-in command whose ports the backend
 * binds (a Linux-only command is simply absent on a backend without that
 * port). Ordering and the backend's explicit unsupported list are applied by
 * the CommandRegistry.
 */
export function bindBuiltinCommands(container: Container): void {
  container.load(coreServicesModule);
  for (const command of SESSION_COMMANDS) container.bind<Command>(TOKENS.Command).to(command);
  for (const entry of builtinCommands) {
    if (!entry.requires.every((token) => container.isBound(token))) continue;
    container.bind<Command>(TOKENS.Command).to(entry.command as Newable<Command>);
  }
}
