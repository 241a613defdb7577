export type { SshKeysOptions } from './ssh-options.js';
export type { PasswdEntry } from './passwd-entry.js';
export type { LookupOptions } from './lookup-user.js';
export { LinuxSshKeys } from './linux-ssh-keys.js';
export { sshKeysOptions } from './ssh-options.js';
export { lookupUser } from './lookup-user.js';
export { parsePasswdLine, findInPasswd } from './passwd-entry.js';
