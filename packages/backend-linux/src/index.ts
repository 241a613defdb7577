// Public API of @qga/backend-linux: the Linux backend and its tunables.
export type { LinuxBackendOptions } from './linux-backend.js';
export type { LinuxInventoryConfig, LinuxInventoryOptions } from './proc/inventory-config.js';
export type { FsFreezeOptions, FsIoctls } from './fsfreeze/fsfreeze-options.js';
export type { PowerOptions } from './power/power-options.js';
export type { TimeOptions } from './time/time-options.js';
export type { PasswordOptions } from './users/password-options.js';
export type { SshKeysOptions } from './ssh/ssh-options.js';
export type { PasswdEntry } from './ssh/passwd-entry.js';
export type { HelperEnv } from './exec/run-command.js';
export type { FsMount } from './mounts/fs-mount.js';
export type { IfAddrEntry, TrimRange } from '@qga/native-linux';

export { linuxBackend, linuxBackendModule } from './linux-backend.js';
export { LINUX_TOKENS } from './tokens.js';
export { DEFAULT_LINUX_INVENTORY_CONFIG } from './proc/inventory-config.js';
