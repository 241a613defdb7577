import { ContainerModule } from 'inversify';
import { TOKENS, type Backend } from '@qga/core';
import { WindowsSystemInfo } from './system-info/windows-system-info.js';
import { WindowsTime } from './time/windows-time.js';
import { WindowsCpu } from './cpu/windows-cpu.js';
import { WindowsUsers } from './users/windows-users.js';
import { WindowsSshKeys } from './ssh/windows-ssh-keys.js';
import { WindowsNetwork } from './network/windows-network.js';
import { WindowsStorage } from './storage/windows-storage.js';
import { WindowsDevices } from './devices/windows-devices.js';
import { WindowsFiles } from './files/windows-files.js';
import { WindowsExec } from './exec/windows-exec.js';
import { WindowsPower } from './power/windows-power.js';
import { WindowsFsFreeze } from './fsfreeze/windows-fs-freeze.js';
import { WindowsFsTrim } from './fsfreeze/windows-fs-trim.js';

/** Options of windowsBackend. */
export interface WindowsBackendOptions {
  /** Overrides process.platform (tests of the refusal on other platforms). */
  readonly platform?: NodeJS.Platform;
}

/**
 * Commands qemu-ga compiles out on Windows; listed as unsupported so they are
 * absent from guest-info and answer "has not been found", as there.
 */
export const WINDOWS_UNSUPPORTED_COMMANDS = [
  'guest-suspend-hybrid',
  'guest-set-vcpus',
  'guest-get-memory-blocks',
  'guest-set-memory-blocks',
  'guest-get-memory-block-info',
  'guest-get-diskstats',
  'guest-get-cpustats',
] as const;

/**
 * Binds every port for Windows. No MemoryPort: the memory-block commands do
 * not exist on Windows. Nothing touches Win32 (or loads koffi) until a
 * command runs.
 */
export function windowsBackendModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.SystemInfoPort).to(WindowsSystemInfo).inSingletonScope();
    bind(TOKENS.TimePort).to(WindowsTime).inSingletonScope();
    bind(TOKENS.CpuPort).to(WindowsCpu).inSingletonScope();
    bind(TOKENS.UsersPort).to(WindowsUsers).inSingletonScope();
    bind(TOKENS.SshKeysPort).to(WindowsSshKeys).inSingletonScope();
    bind(TOKENS.NetworkPort).to(WindowsNetwork).inSingletonScope();
    bind(TOKENS.StoragePort).to(WindowsStorage).inSingletonScope();
    bind(TOKENS.DevicesPort).to(WindowsDevices).inSingletonScope();
    bind(TOKENS.FilesPort).to(WindowsFiles).inSingletonScope();
    bind(TOKENS.ExecPort).to(WindowsExec).inSingletonScope();
    bind(TOKENS.PowerPort).to(WindowsPower).inSingletonScope();
    bind(TOKENS.FsFreezePort).to(WindowsFsFreeze).inSingletonScope();
    bind(TOKENS.FsTrimPort).to(WindowsFsTrim).inSingletonScope();
  });
}

/** The Windows backend; refuses to be built on another OS (its ports call Win32). */
export function windowsBackend(options: WindowsBackendOptions = {}): Backend {
  const platform = options.platform ?? process.platform;
  if (platform !== 'win32') throw new Error('the windows backend only runs on Windows');
  return { name: 'windows', module: windowsBackendModule(), unsupportedCommands: WINDOWS_UNSUPPORTED_COMMANDS };
}
