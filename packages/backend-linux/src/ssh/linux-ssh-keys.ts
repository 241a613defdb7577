import { randomBytes } from 'node:crypto';
import { constants as c } from 'node:fs';
import { lstat, mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoError, type SshKeysPort } from '@qga/core';
import { errorCode, strerror } from '@qga/core/internal';
import { inject, injectable, optional } from 'inversify';
import { O_CLOEXEC } from '../files/fopen-flags.js';
import { lookupUser } from './lookup-user.js';
import type { PasswdEntry } from './passwd-entry.js';
import { sshKeysOptions, type SshKeysOptions } from './ssh-options.js';
import { LINUX_TOKENS } from '../tokens.js';

const DIR_FLAGS = c.O_RDONLY | c.O_DIRECTORY | O_CLOEXEC;
const KEYS = 'authorized_keys';

/**
 * A path that resolves *through an open directory descriptor*: Node has no
 * openat(2), but /proc/self/fd/N names the very directory we opened, so a
 * user who swaps ~/.ssh for a symlink after our check cannot redirect us.
 */
function at(dir: FileHandle, name: string): string {
  return `/proc/self/fd/${dir.fd}/${name}`;
}

/**
 * authorized_keys access for the ssh commands. The agent is root and the
 * directory belongs to the user, so every step refuses to follow what the
 * user could have planted (see README, "SSH keys"):
 * - the home directory comes from passwd (admin-controlled) and is followed;
 * - `~/.ssh` is opened with O_NOFOLLOW: a symlink there is refused (ELOOP),
 *   never followed and never deleted;
 * - reading `authorized_keys` uses O_NOFOLLOW|O_NONBLOCK and accepts only a
 *   regular file (a symlink gives ELOOP, a FIFO cannot block the agent);
 * - writing goes to a fresh temp file (O_EXCL|O_NOFOLLOW, chowned to the user,
 *   0600, fsync'ed) that is renamed over `authorized_keys`: a planted symlink
 *   is *replaced*, its target is never touched, and readers never see a
 *   half-written file.
 */
@injectable()
export class LinuxSshKeys implements SshKeysPort {
  private readonly opts: SshKeysOptions;

  constructor(@inject(LINUX_TOKENS.SshKeysOptions) @optional() options?: Partial<SshKeysOptions>) {
    this.opts = sshKeysOptions(options);
  }

  private lookup(user: string): Promise<PasswdEntry> {
    return lookupUser(user, this.opts);
  }

  async keysFile(user: string): Promise<string> {
    const pw = await this.lookup(user);
    return join(pw.home, '.ssh', KEYS);
  }

  async read(user: string): Promise<string | null> {
    const pw = await this.lookup(user);
    const home = await openOrNull(pw.home, DIR_FLAGS);
    if (home === null) return null;
    try {
      const ssh = await openDirNoFollow(at(home, '.ssh'));
      if (ssh === null) return null;
      try {
        const f = await openOrNull(at(ssh, KEYS), c.O_RDONLY | c.O_NOFOLLOW | c.O_NONBLOCK | c.O_NOCTTY | O_CLOEXEC);
        if (f === null) return null;
        try {
          const st = await f.stat();
          const path = join(pw.home, '.ssh', KEYS);
          // A directory opens fine and fails on read, as with g_file_get_contents; anything else is refused.
          if (st.isDirectory()) throw errnoError('EISDIR', 'read', path);
          if (!st.isFile()) throw errnoError('EINVAL', 'open', path);
          if (st.size > this.opts.maxFileBytes) throw errnoError('EFBIG', 'read', path);
          return await f.readFile('utf8');
        } finally {
          await f.close();
        }
      } finally {
        await ssh.close();
      }
    } finally {
      await home.close();
    }
  }

  async write(user: string, text: string): Promise<void> {
    const pw = await this.lookup(user);
    const home = await open(pw.home, DIR_FLAGS);
    try {
      const ssh = await openSshDir(home, pw);
      try {
        await replaceFile(ssh, KEYS, text, pw, join(pw.home, '.ssh'));
      } finally {
        await ssh.close();
      }
    } finally {
      await home.close();
    }
  }
}

/**
 * Open a directory without following a final symlink. The kernel reports a
 * symlink opened with O_DIRECTORY|O_NOFOLLOW as ENOTDIR; say ELOOP instead so
 * the host can tell "you planted a link" from "that is a plain file".
 */
async function openDirNoFollow(path: string): Promise<FileHandle | null> {
  try {
    return await open(path, DIR_FLAGS | c.O_NOFOLLOW);
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR' && (await lstat(path).catch(() => undefined))?.isSymbolicLink()) throw errnoError('ELOOP', 'open', path);
    throw e;
  }
}

async function openOrNull(path: string, flags: number): Promise<FileHandle | null> {
  try {
    return await open(path, flags);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return null;
    throw e;
  }
}

/** Open ~/.ssh without following a symlink; create it (0700, owned by the user) when missing. */
async function openSshDir(home: FileHandle, pw: PasswdEntry): Promise<FileHandle> {
  const existing = await openDirNoFollow(at(home, '.ssh'));
  if (existing !== null) return existing;
  try {
    await mkdir(at(home, '.ssh'), 0o700);
  } catch (e) {
    if (errorCode(e) !== 'EEXIST') throw e;
  }
  const dir = await openDirNoFollow(at(home, '.ssh'));
  if (dir === null) throw errnoError('ENOENT', 'open', at(home, '.ssh'));
  try {
    const st = await dir.stat();
    // Only a directory we created (owned by us) is handed over to the user.
    if (st.uid === process.getuid?.()) {
      await dir.chown(pw.uid, pw.gid);
      await dir.chmod(0o700);
    }
    return dir;
  } catch (e) {
    await dir.close();
    throw e;
  }
}

/** Atomically replace `dir/name` with `text`, owned by the user, mode 0600. */
async function replaceFile(dir: FileHandle, name: string, text: string, pw: PasswdEntry, dirPath: string): Promise<void> {
  let tmpName = '';
  let f: FileHandle | undefined;
  for (let attempt = 0; f === undefined; attempt++) {
    tmpName = `.${name}.qga-${randomBytes(6).toString('hex')}`;
    try {
      f = await open(at(dir, tmpName), c.O_WRONLY | c.O_CREAT | c.O_EXCL | c.O_NOFOLLOW | O_CLOEXEC, 0o600);
    } catch (e) {
      if (errorCode(e) !== 'EEXIST' || attempt >= 5) throw e;
    }
  }
  try {
    try {
      await f.chown(pw.uid, pw.gid);
      await f.chmod(0o600);
      await f.writeFile(text, 'utf8');
      await f.sync();
    } finally {
      await f.close();
    }
    try {
      await rename(at(dir, tmpName), at(dir, name));
    } catch (e) {
      // GLib's wording (g_file_set_contents), so the host reads the same text as from qemu-ga.
      const code = errorCode(e);
      const failure = new Error(
        `Failed to rename file \u201C${join(dirPath, tmpName)}\u201D to \u201C${join(dirPath, name)}\u201D: g_rename() failed: ${code ? strerror(code) : String(e)}`,
      );
      throw failure;
    }
  } catch (e) {
    await unlink(at(dir, tmpName)).catch(() => {});
    throw e;
  }
  // Make the rename itself durable.
  await dir.sync().catch(() => {});
}
