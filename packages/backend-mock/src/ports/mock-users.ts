import { errnoError, QgaError, type GuestUser, type SshKeysPort, type UsersPort } from '@qga/core';
import type { FailureQueue } from '../failures.js';
import type { MockGuest } from '../mock-guest.js';

/** Logged-in users from `guest.users.logins`; passwords land on `guest.users.accounts`. */
export class MockUsers implements UsersPort {
  constructor(
    private readonly guest: MockGuest,
    private readonly failures: FailureQueue,
  ) {}

  async loggedIn(): Promise<GuestUser[]> {
    this.failures.check('users.loggedIn');
    const users = new Map<string, GuestUser>();
    for (const login of this.guest.users.logins) {
      const seen = users.get(login.user);
      if (seen === undefined) users.set(login.user, { user: login.user, 'login-time': login.time });
      else if (login.time < seen['login-time']) seen['login-time'] = login.time;
    }
    return [...users.values()];
  }

  async setPassword(user: string, password: string, crypted: boolean): Promise<void> {
    this.failures.check('users.setPassword');
    const account = this.guest.account(user);
    if (account === undefined) {
      // What chpasswd prints on Debian 12 for an unknown user.
      throw new QgaError(
        `child process has failed to set user password: chpasswd: (user ${user}) pam_chauthtok() failed, error:\n` +
          `Authentication token manipulation error\nchpasswd: (line 1, user ${user}) password not changed\n`,
      );
    }
    account.password = password;
    account.crypted = crypted;
  }
}

/** ~/.ssh/authorized_keys of mock accounts, stored in the mock filesystem. */
export class MockSshKeys implements SshKeysPort {
  constructor(
    private readonly guest: MockGuest,
    private readonly failures: FailureQueue,
  ) {}

  async keysFile(user: string): Promise<string> {
    this.failures.check('sshKeys.keysFile');
    // qemu-ga 7.2's text for an unknown user (getpwnam leaves errno at 0).
    if (this.guest.account(user) === undefined) throw new QgaError(`failed to lookup user '${user}': Success`);
    return this.guest.authorizedKeysPath(user);
  }

  async read(user: string): Promise<string | null> {
    this.failures.check('sshKeys.read');
    const path = this.guest.authorizedKeysPath(user);
    try {
      const node = this.guest.fs.lookup(path);
      if (node.kind === 'dir') throw errnoError('EISDIR');
      if ((node.mode & 0o400) === 0) throw errnoError('EACCES');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    return this.guest.fs.readText(path);
  }

  async write(user: string, text: string): Promise<void> {
    this.failures.check('sshKeys.write');
    const account = this.guest.account(user);
    if (account === undefined) throw new QgaError(`failed to lookup user '${user}': Success`);
    const path = this.guest.authorizedKeysPath(user);
    const sshDir = path.slice(0, path.lastIndexOf('/'));
    if (!this.guest.fs.exists(sshDir)) {
      try {
        this.guest.fs.mkdir(sshDir, { mode: 0o700, uid: account.uid, gid: account.gid });
      } catch (e) {
        throw new QgaError(`failed to create directory '${sshDir}': ${(e as Error).message}`);
      }
    }
    this.guest.fs.writeFile(path, text, { mode: 0o600, uid: account.uid, gid: account.gid });
  }
}
