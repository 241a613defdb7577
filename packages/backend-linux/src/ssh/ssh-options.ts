import { lookupPasswd } from '@qga/native-linux';
import type { PasswdEntry } from './passwd-entry.js';

/** Tunables of LinuxSshKeys (bind under LINUX_TOKENS.SshKeysOptions). */
export interface SshKeysOptions {
  /** getpwnam (default: getpwnam_r through the native layer, so every NSS source counts); undefined = no such user. */
  readonly getpwnam: (name: string) => Promise<PasswdEntry | undefined>;
  /** Read directly only when the native layer is unavailable. */
  readonly passwdFile: string;
  /** An authorized_keys file larger than this is refused (EFBIG) rather than read into memory. */
  readonly maxFileBytes: number;
}

export function sshKeysOptions(o: Partial<SshKeysOptions> | undefined): SshKeysOptions {
  return {
    getpwnam: o?.getpwnam ?? lookupPasswd,
    passwdFile: o?.passwdFile ?? '/etc/passwd',
    maxFileBytes: o?.maxFileBytes ?? 16 * 1024 * 1024,
  };
}
