import { ContainerModule } from 'inversify';
import { TOKENS, type Command } from '@qga/core';
import { ExecReadCommand } from './commands/exec-read-command.js';
import { ExecReleaseCommand } from './commands/exec-release-command.js';
import { ExecResizeCommand } from './commands/exec-resize-command.js';
import { ExecSignalCommand } from './commands/exec-signal-command.js';
import { ExecStartCommand } from './commands/exec-start-command.js';
import { ExecWriteCommand } from './commands/exec-write-command.js';
import { resolveExecOptions, type ExecPluginOptions } from './exec-options.js';
import { ExecSessions } from './exec-sessions.js';
import { EXEC_TOKENS } from './tokens.js';

/** The commands, in the order guest-info lists them. */
export const EXEC_COMMANDS = [
  ExecStartCommand,
  ExecReadCommand,
  ExecWriteCommand,
  ExecResizeCommand,
  ExecSignalCommand,
  ExecReleaseCommand,
] as const;

/**
 * The exec plugin as a ContainerModule: it adds commands to TOKENS.Command and
 * keeps its state under its own tokens; it touches nothing of core's.
 */
export function createExecPlugin(options: ExecPluginOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(EXEC_TOKENS.Options).toConstantValue(resolveExecOptions(options));
    bind(EXEC_TOKENS.Sessions).to(ExecSessions).inSingletonScope();
    for (const command of EXEC_COMMANDS) bind<Command>(TOKENS.Command).to(command);
  });
}
