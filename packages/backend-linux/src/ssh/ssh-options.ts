import type { HelperEnv } from '../exec/run-command.js';
import { DEFAULT_HELPER_ENV } from '../exec/run-command.js';

/** Tunables of LinuxSshKeys (bind under SSH_KEYS_OPTIONS). */
export interface SshKeysOptions {
  readonly getent: string;
  readonly passwdFile: string;
  readonly env: HelperEnv;
  /** An authorized_keys file larger than this is refused (EFBIG) rather than read into memory. */
  readonly maxFileBytes: number;
}

export const SSH_KEYS_OPTIONS = Symbol.for('qga.linux.SshKeysOptions');

export function sshKeysOptions(o: Partial<SshKeysOptions> | undefined): SshKeysOptions {
  return {
    getent: o?.getent ?? 'getent',
    passwdFile: o?.passwdFile ?? '/etc/passwd',
    env: o?.env ?? { ...DEFAULT_HELPER_ENV, timeoutMs: 10_000 },
    maxFileBytes: o?.maxFileBytes ?? 16 * 1024 * 1024,
  };
}
