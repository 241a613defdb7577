import { inject, injectable } from 'inversify';
import type { Command, CommandSpec } from '../dispatch/command.js';
import type { UsersPort } from '../ports/users-port.js';
import { QgaError } from '../protocol/qga-error.js';
import type { GuestUser } from '../schema/guest-types.js';
import { TOKENS } from '../tokens.js';
import { decodeBase64 } from '../util/base64.js';

export interface GuestSetUserPasswordArgs {
  readonly username: string;
  readonly password: string;
  readonly crypted: boolean;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * guest-set-user-password. The checks are qemu-ga's POSIX ones (chpasswd
 * and pw read `user:password` lines, so a newline or a colon in the wrong
 * place would smuggle in another entry); they live here so every backend
 * gets them. The port takes a string, so a password that is not valid
 * UTF-8, or holds a NUL (which qemu-ga silently cuts at), is refused with
 * the same message rather than altered.
 */
@injectable()
export class GuestSetUserPasswordCommand implements Command<GuestSetUserPasswordArgs, void> {
  readonly spec: CommandSpec = {
    name: 'guest-set-user-password',
    args: { username: 'str', password: 'str', crypted: 'bool' },
  };

  constructor(@inject(TOKENS.UsersPort) private readonly users: UsersPort) {}

  async run(args: GuestSetUserPasswordArgs): Promise<void> {
    const raw = decodeBase64(args.password);
    let password: string;
    try {
      password = UTF8.decode(raw);
    } catch {
      throw new QgaError('forbidden characters in raw password');
    }
    if (password.includes('\n') || password.includes('\0')) throw new QgaError('forbidden characters in raw password');
    if (args.username.includes('\n') || args.username.includes(':')) {
      throw new QgaError('forbidden characters in username');
    }
    await this.users.setPassword(args.username, password, args.crypted);
  }
}

@injectable()
export class GuestGetUsersCommand implements Command<Record<string, never>, GuestUser[]> {
  readonly spec: CommandSpec = { name: 'guest-get-users' };

  constructor(@inject(TOKENS.UsersPort) private readonly users: UsersPort) {}

  run(): Promise<GuestUser[]> {
    return this.users.loggedIn();
  }
}
