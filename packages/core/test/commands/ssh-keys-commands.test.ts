import t from 'tap';
import {
  GuestSshAddAuthorizedKeysCommand,
  GuestSshGetAuthorizedKeysCommand,
  GuestSshRemoveAuthorizedKeysCommand,
} from '../../src/commands/ssh-keys-commands.js';
import type { SshKeysPort } from '../../src/ports/users-port.js';
import { QgaError } from '../../src/protocol/qga-error.js';
import { errnoError } from '../../src/util/strerror.js';

/** authorized_keys files in a map; `null` = missing. Unknown users fail like qemu-ga 7.2. */
class MapSshKeys implements SshKeysPort {
  readonly files = new Map<string, string | Error>();
  readonly writes: string[] = [];
  readonly users = new Set(['tuser']);

  async keysFile(user: string): Promise<string> {
    if (!this.users.has(user)) throw new QgaError(`failed to lookup user '${user}': Success`);
    return `/home/${user}/.ssh/authorized_keys`;
  }
  async read(user: string): Promise<string | null> {
    const v = this.files.get(user);
    if (v instanceof Error) throw v;
    return v ?? null;
  }
  async write(user: string, text: string): Promise<void> {
    this.writes.push(user);
    this.files.set(user, text);
  }
}

function rig() {
  const port = new MapSshKeys();
  return {
    port,
    get: (username: string) => new GuestSshGetAuthorizedKeysCommand(port).run({ username }),
    add: (username: string, keys: string[], reset?: boolean) =>
      new GuestSshAddAuthorizedKeysCommand(port).run({ username, keys, ...(reset !== undefined ? { reset } : {}) }),
    remove: (username: string, keys: string[]) => new GuestSshRemoveAuthorizedKeysCommand(port).run({ username, keys }),
  };
}

t.test('the exact file bytes qemu-ga 7.2 produced for this sequence (libvirt sends a trailing "")', async (t) => {
  const r = rig();
  await t.rejects(
    r.get('tuser'),
    new QgaError(
      "failed to read '/home/tuser/.ssh/authorized_keys': Failed to open file \u201C/home/tuser/.ssh/authorized_keys\u201D: No such file or directory",
    ),
  );
  await r.add('tuser', ['ssh-ed25519 AAAA x', '']);
  t.equal(r.port.files.get('tuser'), 'ssh-ed25519 AAAA x\n');
  t.same(await r.get('tuser'), { keys: ['ssh-ed25519 AAAA x'] });
  await r.add('tuser', ['ssh-rsa BBBB y', '']);
  t.equal(r.port.files.get('tuser'), 'ssh-ed25519 AAAA x\n\nssh-rsa BBBB y');
  t.same(await r.get('tuser'), { keys: ['ssh-rsa BBBB y', 'ssh-ed25519 AAAA x'] }, 'reverse file order');
  await r.add('tuser', ['ssh-rsa CCCC z', 'ssh-rsa CCCC z']);
  t.equal(r.port.files.get('tuser'), 'ssh-ed25519 AAAA x\n\nssh-rsa BBBB y\nssh-rsa CCCC z', 'a key repeated in one call is added once');
  await r.remove('tuser', ['ssh-rsa BBBB y', '']);
  t.equal(r.port.files.get('tuser'), 'ssh-ed25519 AAAA x\nssh-rsa CCCC z');
  await r.add('tuser', [], true);
  t.equal(r.port.files.get('tuser'), '', 'reset with no keys empties the file');
  t.same(await r.get('tuser'), { keys: [] });
});

t.test('get: lines are stripped, blank and # lines skipped', async (t) => {
  const r = rig();
  r.port.files.set('tuser', '  ssh-a 1 c  \n# comment\n\n\t\nssh-b 2\r\n   #indented comment\n');
  t.same(await r.get('tuser'), { keys: ['ssh-b 2', 'ssh-a 1 c'] });
});

t.test('add keeps existing order, appends only missing keys, reset replaces', async (t) => {
  const r = rig();
  r.port.files.set('tuser', 'k1\nk2');
  await r.add('tuser', ['k2', 'k3', 'k1', 'k4']);
  t.equal(r.port.files.get('tuser'), 'k1\nk2\nk3\nk4');
  await r.add('tuser', ['k9', 'k2'], true);
  t.equal(r.port.files.get('tuser'), 'k9\nk2');
  r.port.files.set('tuser', errnoError('EACCES'));
  await r.add('tuser', ['k5']);
  t.equal(r.port.files.get('tuser'), 'k5', 'an unreadable file counts as empty when adding (as qemu-ga)');
});

t.test('remove: exact matches only; a missing file is success without a write', async (t) => {
  const r = rig();
  await r.remove('tuser', ['x']);
  t.same(r.port.writes, []);
  r.port.files.set('tuser', 'a\nb c\na\n# a');
  await r.remove('tuser', ['a', 'b']);
  t.equal(r.port.files.get('tuser'), 'b c\n# a');
  r.port.files.set('tuser', errnoError('EACCES'));
  await t.rejects(
    r.remove('tuser', ['a']),
    new QgaError(
      "failed to read '/home/tuser/.ssh/authorized_keys': Failed to open file \u201C/home/tuser/.ssh/authorized_keys\u201D: Permission denied",
    ),
  );
});

t.test('keys are validated before the user is looked up (qemu-ga 7.2 order)', async (t) => {
  const r = rig();
  await t.rejects(r.add('nosuchuser', ['#x']), new QgaError("invalid OpenSSH public key: '#x'"));
  await t.rejects(r.remove('nosuchuser', ['a\nb']), new QgaError("invalid OpenSSH public key: 'a\nb'"));
  await t.rejects(r.add('nosuchuser', ['x']), new QgaError("failed to lookup user 'nosuchuser': Success"));
  await t.rejects(r.get('nosuchuser'), new QgaError("failed to lookup user 'nosuchuser': Success"));
  await t.rejects(r.add('tuser', ['']), new QgaError("invalid OpenSSH public key: ''"), 'nothing but empty keys: refused');
  t.equal(r.port.files.get('tuser'), undefined, 'nothing written');
  await r.add('tuser', ['k', '']);
  t.equal(r.port.files.get('tuser'), 'k\n', "libvirt's trailing empty key beside a real one is accepted");
});

t.test('write failures name the file', async (t) => {
  const r = rig();
  r.port.write = async () => {
    throw errnoError('ENOSPC');
  };
  await t.rejects(r.add('tuser', ['k']), new QgaError("failed to write to '/home/tuser/.ssh/authorized_keys': No space left on device"));
});
