import type { HelperEnv } from '../exec/run-command.js';
import { DEFAULT_HELPER_ENV } from '../exec/run-command.js';

/** Tunables of LinuxPassword (bind under LINUX_TOKENS.PasswordOptions; tests use a chpasswd double). */
export interface PasswordOptions {
  /** chpasswd, looked up in `env.searchPath` like upstream's g_find_program_in_path. */
  readonly chpasswd: string;
  readonly env: HelperEnv;
}

export function passwordOptions(o: Partial<PasswordOptions> | undefined): PasswordOptions {
  return { chpasswd: o?.chpasswd ?? 'chpasswd', env: o?.env ?? { ...DEFAULT_HELPER_ENV, timeoutMs: 30_000 } };
}
