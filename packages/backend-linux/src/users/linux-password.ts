import type { UsersPort } from '@qga/core';
import { QgaError } from '@qga/core';
import { inject, injectable, optional } from 'inversify';
import { findProgram } from '../exec/find-program.js';
import { runChecked } from '../exec/run-command.js';
import { passwordOptions, type PasswordOptions } from './password-options.js';
import { LINUX_TOKENS } from '../tokens.js';

/**
 * guest-set-user-password on Linux: `chpasswd` (`-e` for a crypted password)
 * with `user:password\n` on stdin — never on the command line, where any
 * local user could read it. Implements the setPassword half of UsersPort; the
 * logged-in-users half lives with the inventory code (see README).
 */
@injectable()
export class LinuxPassword implements Pick<UsersPort, 'setPassword'> {
  private readonly opts: PasswordOptions;

  constructor(@inject(LINUX_TOKENS.PasswordOptions) @optional() options?: Partial<PasswordOptions>) {
    this.opts = passwordOptions(options);
  }

  async setPassword(user: string, password: string, crypted: boolean): Promise<void> {
    // Core checks these too; repeated here because a stray `\n` or `:` would let
    // the input address a different account.
    if (password.includes('\n')) throw new QgaError('forbidden characters in raw password');
    if (user.includes('\n') || user.includes(':')) throw new QgaError('forbidden characters in username');
    let program: string;
    try {
      program = await findProgram(this.opts.chpasswd, this.opts.env.searchPath);
    } catch {
      throw new QgaError(`cannot find '${this.opts.chpasswd}' program in PATH`);
    }
    await runChecked(crypted ? [program, '-e'] : [program], 'set user password', {
      env: this.opts.env,
      input: `${user}:${password}\n`,
    });
  }
}
