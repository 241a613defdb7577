// Public API of @qga/backend-linux.
export type { LinuxBackendOptions } from './linux-backend.module.js';
export type { LinuxInventoryConfig, LinuxInventoryOptions } from './proc/index.js';
export type { FsFreezeOptions } from './fsfreeze/index.js';
export type { PowerOptions } from './power/index.js';
export type { TimeOptions } from './time/index.js';
export type { PasswordOptions } from './users/index.js';
export type { SshKeysOptions } from './ssh/index.js';
export type { FsMount } from './mounts/index.js';

export { linuxBackend, linuxBackendModule } from './linux-backend.module.js';
export { LINUX_INVENTORY_CONFIG, DEFAULT_LINUX_INVENTORY_CONFIG } from './proc/index.js';
export { FSFREEZE_OPTIONS, LinuxFsFreeze, LinuxFsTrim } from './fsfreeze/index.js';
export { POWER_OPTIONS, LinuxPower } from './power/index.js';
export { TIME_OPTIONS, LinuxTime } from './time/index.js';
export { PASSWORD_OPTIONS, LinuxPassword } from './users/index.js';
export { SSH_KEYS_OPTIONS, LinuxSshKeys } from './ssh/index.js';
export { LinuxFiles } from './files/index.js';
export { LinuxExec } from './exec/index.js';
export { LinuxSystemInfo } from './system-info/index.js';
export { LinuxLogins } from './logins/index.js';
export { LinuxUsers } from './linux-users.js';
export { LinuxCpu } from './cpu/index.js';
export { LinuxMemory } from './memory/index.js';
export { LinuxNetwork } from './network/index.js';
export { LinuxStorage } from './storage/index.js';
export { readMountList, parseMountinfo, mountListFromMountinfo } from './mounts/index.js';
