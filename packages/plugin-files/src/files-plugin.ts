import { ContainerModule } from 'inversify';
import { TOKENS, type Command } from '@qga/core';
import { FileChecksumCommand } from './commands/file-checksum-command.js';
import { FileReadCommand } from './commands/file-read-command.js';
import { FileStatCommand } from './commands/file-stat-command.js';
import { FileUploadAbortCommand } from './commands/file-upload-abort-command.js';
import { FileUploadCommitCommand } from './commands/file-upload-commit-command.js';
import { FileUploadOpenCommand } from './commands/file-upload-open-command.js';
import { FileUploadWriteCommand } from './commands/file-upload-write-command.js';
import { resolveFilesOptions, type FilesPluginOptions } from './files-options.js';
import { FILES_TOKENS } from './tokens.js';
import { Uploads } from './uploads.js';

/** The commands, in the order guest-info lists them. */
export const FILES_COMMANDS = [
  FileStatCommand,
  FileReadCommand,
  FileChecksumCommand,
  FileUploadOpenCommand,
  FileUploadWriteCommand,
  FileUploadCommitCommand,
  FileUploadAbortCommand,
] as const;

/** The files plugin as a ContainerModule: commands on TOKENS.Command, its state under its own tokens. */
export function createFilesPlugin(options: FilesPluginOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(FILES_TOKENS.Options).toConstantValue(resolveFilesOptions(options));
    bind(FILES_TOKENS.Uploads).to(Uploads).inSingletonScope();
    for (const command of FILES_COMMANDS) bind<Command>(TOKENS.Command).to(command);
  });
}
