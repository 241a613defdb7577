import { inject, injectable } from 'inversify';
import { qapi } from '../dispatch/arg-spec.js';
import type { Command, CommandSpec } from '../dispatch/command.js';
import type { SshKeysPort } from '../ports/users-port.js';
import { QgaError, isQgaError } from '../protocol/qga-error.js';
import type { GuestAuthorizedKeys } from '../schema/guest-types.js';
import { TOKENS } from '../tokens.js';
import { errnoError, errorCode, errorText } from '../util/strerror.js';

/*
 * authorized_keys is handled as qemu-ga does it, as a list of lines: the
 * file is split on "\n" and written back joined with "\n" (no trailing
 * newline is added). Checked against qemu-ga 7.2: libvirt's trailing ""
 * key is accepted; added to a missing file it yields "key\n", added to
 * "key\n" (whose split already holds "") it is a duplicate and skipped.
 */

/**
 * qemu-ga's sanity check: no leading `#`, no newline, not empty. One
 * exception, for libvirt: `virsh set-user-sshkeys` splits its key file on
 * newlines and sends the trailing "" along with the real keys, which qemu-ga
 * 7.2 accepts; so empty keys pass beside a real one, and a list of nothing
 * but empty keys is refused as upstream refuses an empty key.
 */
function checkKeys(keys: readonly string[]): void {
  const allEmpty = keys.length > 0 && keys.every((key) => key === '');
  for (const key of keys) {
    if (key.startsWith('#') || key.includes('\n') || (allEmpty && key === '')) throw new QgaError(`invalid OpenSSH public key: '${key}'`);
  }
}

/** GLib's g_file_get_contents wording (open, or read for a directory), wrapped as qemu-ga wraps it. */
function readError(path: string, e: unknown): QgaError {
  const step = errorCode(e) === 'EISDIR' ? 'Error reading file' : 'Failed to open file';
  return new QgaError(`failed to read '${path}': ${step} \u201C${path}\u201D: ${errorText(e)}`);
}

async function readLines(port: SshKeysPort, user: string, path: string): Promise<string[] | null> {
  let text: string | null;
  try {
    text = await port.read(user);
  } catch (e) {
    if (isQgaError(e)) throw e;
    throw readError(path, e);
  }
  // g_strsplit of an empty file is no line at all (not one empty line).
  return text === null ? null : text === '' ? [] : text.split('\n');
}

async function writeLines(port: SshKeysPort, user: string, path: string, lines: readonly string[]): Promise<void> {
  try {
    await port.write(user, lines.join('\n'));
  } catch (e) {
    if (isQgaError(e)) throw e;
    throw new QgaError(`failed to write to '${path}': ${errorText(e)}`);
  }
}

export interface GuestSshGetAuthorizedKeysArgs {
  readonly username: string;
}

/** Stripped lines without blanks and comments, in reverse file order (qemu-ga prepends). */
@injectable()
export class GuestSshGetAuthorizedKeysCommand implements Command<GuestSshGetAuthorizedKeysArgs, GuestAuthorizedKeys> {
  readonly spec: CommandSpec = { name: 'guest-ssh-get-authorized-keys', args: { username: 'str' } };

  constructor(@inject(TOKENS.SshKeysPort) private readonly ssh: SshKeysPort) {}

  async run(args: GuestSshGetAuthorizedKeysArgs): Promise<GuestAuthorizedKeys> {
    const path = await this.ssh.keysFile(args.username);
    const lines = await readLines(this.ssh, args.username, path);
    if (lines === null) throw readError(path, errnoError('ENOENT'));
    const keys: string[] = [];
    for (const line of lines) {
      // g_strstrip: ASCII whitespace only.
      const key = line.replace(/^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g, '');
      if (key === '' || key.startsWith('#')) continue;
      keys.unshift(key);
    }
    return { keys };
  }
}

export interface GuestSshAddAuthorizedKeysArgs {
  readonly username: string;
  readonly keys: readonly string[];
  readonly reset?: boolean;
}

/** Appends keys that are not already lines of the file (exact match), keeping the file's order. */
@injectable()
export class GuestSshAddAuthorizedKeysCommand implements Command<GuestSshAddAuthorizedKeysArgs, void> {
  readonly spec: CommandSpec = {
    name: 'guest-ssh-add-authorized-keys',
    args: { username: 'str', keys: qapi.list('str'), '*reset': 'bool' },
  };

  constructor(@inject(TOKENS.SshKeysPort) private readonly ssh: SshKeysPort) {}

  async run(args: GuestSshAddAuthorizedKeysArgs): Promise<void> {
    checkKeys(args.keys);
    const path = await this.ssh.keysFile(args.username);
    let lines: string[] = [];
    if (args.reset !== true) {
      // As qemu-ga: an unreadable file counts as empty when adding.
      lines = (await readLines(this.ssh, args.username, path).catch(() => null)) ?? [];
    }
    const present = new Set(lines);
    for (const key of args.keys) {
      if (present.has(key)) continue;
      present.add(key);
      lines.push(key);
    }
    await writeLines(this.ssh, args.username, path, lines);
  }
}

export interface GuestSshRemoveAuthorizedKeysArgs {
  readonly username: string;
  readonly keys: readonly string[];
}

/** Drops lines equal to one of the keys; a missing file is success. */
@injectable()
export class GuestSshRemoveAuthorizedKeysCommand implements Command<GuestSshRemoveAuthorizedKeysArgs, void> {
  readonly spec: CommandSpec = {
    name: 'guest-ssh-remove-authorized-keys',
    args: { username: 'str', keys: qapi.list('str') },
  };

  constructor(@inject(TOKENS.SshKeysPort) private readonly ssh: SshKeysPort) {}

  async run(args: GuestSshRemoveAuthorizedKeysArgs): Promise<void> {
    checkKeys(args.keys);
    const path = await this.ssh.keysFile(args.username);
    const lines = await readLines(this.ssh, args.username, path);
    if (lines === null) return;
    const remove = new Set(args.keys);
    await writeLines(
      this.ssh,
      args.username,
      path,
      lines.filter((line) => !remove.has(line)),
    );
  }
}
