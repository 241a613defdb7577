import { ContainerModule } from 'inversify';
import { TOKENS, type Backend } from '@qga/core';
import { LinuxFiles } from './files/index.js';
import { LinuxExec } from './exec/index.js';
import { LinuxFsFreeze, LinuxFsTrim, type FsFreezeOptions } from './fsfreeze/index.js';
import { LinuxPower, type PowerOptions } from './power/index.js';
import { LinuxTime, type TimeOptions } from './time/index.js';
import { LinuxPassword, type PasswordOptions } from './users/index.js';
import { LinuxSshKeys, type SshKeysOptions } from './ssh/index.js';
import { type LinuxInventoryOptions } from './proc/index.js';
import { LinuxSystemInfo } from './system-info/index.js';
import { LinuxLogins } from './logins/index.js';
import { LinuxCpu } from './cpu/index.js';
import { LinuxMemory } from './memory/index.js';
import { LinuxNetwork } from './network/index.js';
import { LinuxStorage } from './storage/index.js';
import { LinuxUsers } from './linux-users.js';
import { LINUX_TOKENS } from './tokens.js';

/** Tunables of the Linux backend; every member is optional and defaults to the real system. */
export interface LinuxBackendOptions {
  readonly inventory?: LinuxInventoryOptions;
  readonly fsfreeze?: Partial<FsFreezeOptions>;
  readonly power?: Partial<PowerOptions>;
  readonly time?: Partial<TimeOptions>;
  readonly password?: Partial<PasswordOptions>;
  readonly sshKeys?: Partial<SshKeysOptions>;
}

/**
 * Binds every port for Linux. `guest-get-devices` is Windows-only upstream
 * (qemu-ga 9.1+ compiles it out on Linux), so no DevicesPort is bound and the
 * command is absent.
 */
export function linuxBackendModule(options: LinuxBackendOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    if (options.inventory) bind(LINUX_TOKENS.InventoryConfig).toConstantValue(options.inventory);
    if (options.fsfreeze) bind(LINUX_TOKENS.FsFreezeOptions).toConstantValue(options.fsfreeze);
    if (options.power) bind(LINUX_TOKENS.PowerOptions).toConstantValue(options.power);
    if (options.time) bind(LINUX_TOKENS.TimeOptions).toConstantValue(options.time);
    if (options.password) bind(LINUX_TOKENS.PasswordOptions).toConstantValue(options.password);
    if (options.sshKeys) bind(LINUX_TOKENS.SshKeysOptions).toConstantValue(options.sshKeys);

    bind(TOKENS.FilesPort).to(LinuxFiles).inSingletonScope();
    bind(TOKENS.ExecPort).to(LinuxExec).inSingletonScope();
    bind(TOKENS.FsFreezePort).to(LinuxFsFreeze).inSingletonScope();
    bind(TOKENS.FsTrimPort).to(LinuxFsTrim).inSingletonScope();
    bind(TOKENS.PowerPort).to(LinuxPower).inSingletonScope();
    bind(TOKENS.TimePort).to(LinuxTime).inSingletonScope();
    bind(TOKENS.SshKeysPort).to(LinuxSshKeys).inSingletonScope();
    bind(LinuxPassword).toSelf().inSingletonScope();
    bind(LinuxLogins).toSelf().inSingletonScope();
    bind(TOKENS.UsersPort).to(LinuxUsers).inSingletonScope();
    bind(TOKENS.NetworkPort).to(LinuxNetwork).inSingletonScope();
    // A singleton: its bookkeeping of hung statfs() calls must outlive one request.
    bind(TOKENS.StoragePort).to(LinuxStorage).inSingletonScope();
    bind(TOKENS.CpuPort).to(LinuxCpu).inSingletonScope();
    bind(TOKENS.MemoryPort).to(LinuxMemory).inSingletonScope();
    bind(TOKENS.SystemInfoPort).to(LinuxSystemInfo).inSingletonScope();
  });
}

/** The Linux backend for createAgent: every port bound, tunables from `options`. */
export function linuxBackend(options: LinuxBackendOptions = {}): Backend {
  return { name: 'linux', module: linuxBackendModule(options) };
}
