import { ContainerModule } from 'inversify';
import { TOKENS, type Backend } from '@qga/core';
import { LinuxFiles } from './files/index.js';
import { LinuxExec } from './exec/index.js';
import { FSFREEZE_OPTIONS, LinuxFsFreeze, LinuxFsTrim, type FsFreezeOptions } from './fsfreeze/index.js';
import { LinuxPower, POWER_OPTIONS, type PowerOptions } from './power/index.js';
import { LinuxTime, TIME_OPTIONS, type TimeOptions } from './time/index.js';
import { LinuxPassword, PASSWORD_OPTIONS, type PasswordOptions } from './users/index.js';
import { LinuxSshKeys, SSH_KEYS_OPTIONS, type SshKeysOptions } from './ssh/index.js';
import { LINUX_INVENTORY_CONFIG, type LinuxInventoryOptions } from './proc/index.js';
import { LinuxSystemInfo } from './system-info/index.js';
import { LinuxLogins } from './logins/index.js';
import { LinuxCpu } from './cpu/index.js';
import { LinuxMemory } from './memory/index.js';
import { LinuxNetwork } from './network/index.js';
import { LinuxStorage } from './storage/index.js';
import { LinuxUsers } from './linux-users.js';

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
    if (options.inventory) bind(LINUX_INVENTORY_CONFIG).toConstantValue(options.inventory);
    if (options.fsfreeze) bind(FSFREEZE_OPTIONS).toConstantValue(options.fsfreeze);
    if (options.power) bind(POWER_OPTIONS).toConstantValue(options.power);
    if (options.time) bind(TIME_OPTIONS).toConstantValue(options.time);
    if (options.password) bind(PASSWORD_OPTIONS).toConstantValue(options.password);
    if (options.sshKeys) bind(SSH_KEYS_OPTIONS).toConstantValue(options.sshKeys);

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

export function linuxBackend(options: LinuxBackendOptions = {}): Backend {
  return { name: 'linux', module: linuxBackendModule(options) };
}
