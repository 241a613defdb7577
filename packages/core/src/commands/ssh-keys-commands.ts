import { inject, injectable } from 'inversify';
import { qapi } from '../dispatch/arg-spec.js';
import type { Command, CommandSpec } from '../dispatch/command.js';
import type { SshKeysPort } from '../ports/users.port.js';
import { QgaError, isQgaError } from '../protocol/qga-error.js';
import type { GuestAuthorizedKeys } from '../schema/guest-types.js';
import { TOKENS } from '../tokens.js';
import { errorText } from '../util/strerror.js';

/*
 * authorized_keys is handled as qemu-ga does it, as a list of lines: the
 * file is split on "\n" and written back joined with "\n" (no trailing
 * newline is added). Checked against qemu-ga 7.2: libvirt's trailing ""
 * key is accepted; added to a missing file it yields "key\n", added to
 * "key\n" (whose split already holds "") it is a duplicate and skipped.
 */

/** qemu-ga's sanity check: no leading `#`, no newline (an empty key is accepted). */
function checkKeys(keys: readonly string[]): void {
  for (const key of keys) {
    if (key.startsWith('#') || key.includes('\n')) throw new QgaError(`invalid OpenSSH public key: '${key}'`);
  }
}

/** GLib's g_file_get_contents wording, wrapped as qemu-ga wraps it. */
function readError(path: string, cause: string): QgaError {
  return new QgaError(`failed to read '${path}': Failed to open file \u201C${path}\u201D: ${cause}`);
}

async function readLines(port: SshKeysPort, user: string, path: string): Promise<string[] | null> {
  let text: string | null;
  try {
    text = await port.read(user);
  } catch (e) {
    if (isQgaError(e)) throw e;
    throw readError(path, errorText(e));
  }
  return text === null ? null : text.split('\n');
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
    if (lines === null) throw readError(path, 'No such file or directory');
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
