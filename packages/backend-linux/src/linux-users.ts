import { inject, injectable } from 'inversify';
import type { GuestUser, UsersPort } from '@qga/core';
import { LinuxLogins } from './logins/index.js';
import { LinuxPassword } from './users/index.js';

/** UsersPort: logins from logind/utmp, passwords through chpasswd. */
@injectable()
export class LinuxUsers implements UsersPort {
  constructor(
    @inject(LinuxLogins) private readonly logins: LinuxLogins,
    @inject(LinuxPassword) private readonly password: LinuxPassword,
  ) {}

  loggedIn(): Promise<GuestUser[]> {
    return this.logins.loggedIn();
  }

  setPassword(user: string, password: string, crypted: boolean): Promise<void> {
    return this.password.setPassword(user, password, crypted);
  }
}
