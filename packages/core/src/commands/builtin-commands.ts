import type { Newable } from 'inversify';
import type { Command } from '../dispatch/command.js';
import { TOKENS } from '../tokens.js';
import { GuestGetCpustatsCommand, GuestGetVcpusCommand, GuestSetVcpusCommand } from './cpu-commands.js';
import { GuestGetDevicesCommand } from './devices-commands.js';
import { GuestExecCommand, GuestExecStatusCommand } from './exec-commands.js';
import {
  GuestFileCloseCommand,
  GuestFileFlushCommand,
  GuestFileOpenCommand,
  GuestFileReadCommand,
  GuestFileSeekCommand,
  GuestFileWriteCommand,
} from './file-commands.js';
import {
  GuestFsfreezeFreezeCommand,
  GuestFsfreezeFreezeListCommand,
  GuestFsfreezeStatusCommand,
  GuestFsfreezeThawCommand,
} from './fsfreeze-commands.js';
import { GuestFstrimCommand } from './fstrim-commands.js';
import { GuestGetMemoryBlockInfoCommand, GuestGetMemoryBlocksCommand, GuestSetMemoryBlocksCommand } from './memory-commands.js';
import { GuestNetworkGetInterfacesCommand, GuestNetworkGetRouteCommand } from './network-commands.js';
import { GuestShutdownCommand, GuestSuspendDiskCommand, GuestSuspendHybridCommand, GuestSuspendRamCommand } from './power-commands.js';
import {
  GuestSshAddAuthorizedKeysCommand,
  GuestSshGetAuthorizedKeysCommand,
  GuestSshRemoveAuthorizedKeysCommand,
} from './ssh-keys-commands.js';
import { GuestGetDiskstatsCommand, GuestGetDisksCommand, GuestGetFsinfoCommand } from './storage-commands.js';
import { GuestGetHostNameCommand, GuestGetLoadCommand, GuestGetOsinfoCommand, GuestGetTimezoneCommand } from './system-info-commands.js';
import { GuestGetTimeCommand, GuestSetTimeCommand } from './time-commands.js';
import { GuestGetUsersCommand, GuestSetUserPasswordCommand } from './users-commands.js';

/** A built-in command and the port tokens it needs; it is offered only when all are bound. */
export interface BuiltinCommand {
  readonly command: Newable<Command>;
  readonly requires: readonly symbol[];
}

const T = TOKENS;

/**
 * The built-ins written against ports, in the schema order of docs/commands.md#command-list
 * (registration order; guest-info lists them reversed). guest-sync-delimited,
 * guest-sync, guest-ping and guest-info are the dispatcher's own.
 */
export const builtinCommands: readonly BuiltinCommand[] = [
  { command: GuestGetTimeCommand, requires: [T.TimePort] },
  { command: GuestSetTimeCommand, requires: [T.TimePort] },
  { command: GuestShutdownCommand, requires: [T.PowerPort] },
  { command: GuestFileOpenCommand, requires: [T.FilesPort] },
  { command: GuestFileCloseCommand, requires: [T.FilesPort] },
  { command: GuestFileReadCommand, requires: [T.FilesPort] },
  { command: GuestFileWriteCommand, requires: [T.FilesPort] },
  { command: GuestFileSeekCommand, requires: [T.FilesPort] },
  { command: GuestFileFlushCommand, requires: [T.FilesPort] },
  { command: GuestFsfreezeStatusCommand, requires: [T.FsFreezePort] },
  { command: GuestFsfreezeFreezeCommand, requires: [T.FsFreezePort] },
  { command: GuestFsfreezeFreezeListCommand, requires: [T.FsFreezePort] },
  { command: GuestFsfreezeThawCommand, requires: [T.FsFreezePort] },
  { command: GuestFstrimCommand, requires: [T.FsTrimPort] },
  { command: GuestSuspendDiskCommand, requires: [T.PowerPort] },
  { command: GuestSuspendRamCommand, requires: [T.PowerPort] },
  { command: GuestSuspendHybridCommand, requires: [T.PowerPort] },
  { command: GuestNetworkGetInterfacesCommand, requires: [T.NetworkPort] },
  { command: GuestGetVcpusCommand, requires: [T.CpuPort] },
  { command: GuestSetVcpusCommand, requires: [T.CpuPort] },
  { command: GuestGetDisksCommand, requires: [T.StoragePort] },
  { command: GuestGetFsinfoCommand, requires: [T.StoragePort] },
  { command: GuestSetUserPasswordCommand, requires: [T.UsersPort] },
  { command: GuestGetMemoryBlocksCommand, requires: [T.MemoryPort] },
  { command: GuestSetMemoryBlocksCommand, requires: [T.MemoryPort] },
  { command: GuestGetMemoryBlockInfoCommand, requires: [T.MemoryPort] },
  { command: GuestExecStatusCommand, requires: [T.ExecPort] },
  { command: GuestExecCommand, requires: [T.ExecPort] },
  { command: GuestGetHostNameCommand, requires: [T.SystemInfoPort] },
  { command: GuestGetUsersCommand, requires: [T.UsersPort] },
  { command: GuestGetTimezoneCommand, requires: [T.SystemInfoPort] },
  { command: GuestGetOsinfoCommand, requires: [T.SystemInfoPort] },
  { command: GuestGetDevicesCommand, requires: [T.DevicesPort] },
  { command: GuestSshGetAuthorizedKeysCommand, requires: [T.SshKeysPort] },
  { command: GuestSshAddAuthorizedKeysCommand, requires: [T.SshKeysPort] },
  { command: GuestSshRemoveAuthorizedKeysCommand, requires: [T.SshKeysPort] },
  { command: GuestGetDiskstatsCommand, requires: [T.StoragePort] },
  { command: GuestGetCpustatsCommand, requires: [T.CpuPort] },
  { command: GuestGetLoadCommand, requires: [T.SystemInfoPort] },
  { command: GuestNetworkGetRouteCommand, requires: [T.NetworkPort] },
];
