import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
  existsSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { NativeUnavailableError } from '@qga/native-linux';
import { LinuxSshKeys } from '../../src/ssh/index.js';
import { LinuxPassword } from '../../src/users/index.js';
import { rejectionCode, rejectionMessage, scratchDir } from './fixtures.js';

const isRoot = process.getuid?.() === 0;

/** A throwaway user with a home directory, removed (with its home) when the test ends. */
function throwawayUser(t: { teardown(fn: () => void): void }): { name: string; uid: number; gid: number; home: string } {
  const name = `qgatest${Math.floor(Math.random() * 1e6)}`;
  execFileSync('useradd', ['-m', '-s', '/bin/sh', name]);
  t.teardown(() => {
    try {
      execFileSync('userdel', ['-r', name], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  });
  const [, , uid, gid, , home] = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim().split(':');
  return { name, uid: Number(uid), gid: Number(gid), home: home! };
}

const ssh = new LinuxSshKeys();

t.test('unknown users: the exact qemu-ga 7.2 text', async (t) => {
  t.equal(await rejectionMessage(ssh.keysFile('nosuchuserx')), "failed to lookup user 'nosuchuserx': Success");
  t.equal(await rejectionMessage(ssh.read('nosuchuserx')), "failed to lookup user 'nosuchuserx': Success");
  t.equal(await rejectionMessage(ssh.write('nosuchuserx', 'k')), "failed to lookup user 'nosuchuserx': Success");
  t.equal(await rejectionMessage(ssh.read('0')), "failed to lookup user '0': Success", 'a uid is not a user name');
  t.equal(await rejectionMessage(ssh.read('')), "failed to lookup user '': Success");
  t.equal(await rejectionMessage(ssh.read('-x')), "failed to lookup user '-x': Success", 'not taken for an option');
  t.equal(await ssh.keysFile('root'), '/root/.ssh/authorized_keys');
});

t.test('/etc/passwd fallback when the native getpwnam is unavailable', async (t) => {
  const dir = scratchDir(t, 'qga-ssh-');
  writeFileSync(join(dir, 'passwd'), `root:x:0:0:root:/root:/bin/bash\nghost:x:4242:4242::${join(dir, 'no-home')}:/bin/sh\n`);
  const unavailable = (): Promise<never> => Promise.reject(new NativeUnavailableError('native calls are unavailable (test)'));
  const viaFile = new LinuxSshKeys({ getpwnam: unavailable, passwdFile: join(dir, 'passwd') });
  t.equal(await viaFile.keysFile('ghost'), join(dir, 'no-home', '.ssh', 'authorized_keys'));
  t.equal(await viaFile.read('ghost'), null, 'a missing home means no keys');
  t.equal(await rejectionCode(viaFile.write('ghost', 'k')), 'ENOENT', 'and writing there fails');
  t.equal(await rejectionMessage(viaFile.read('nobody-here')), "failed to lookup user 'nobody-here': Success");
  const failing = new LinuxSshKeys({ getpwnam: () => Promise.reject(Object.assign(new Error('x'), { code: 'EIO' })) });
  t.equal(
    await rejectionMessage(failing.read('root')),
    "failed to lookup user 'root': Input/output error",
    'a failed lookup (not a missing user) says why',
  );
});

t.test(
  'write creates ~/.ssh 0700 and authorized_keys 0600, owned by the user, atomically',
  { skip: !isRoot && 'needs root (useradd, chown)' },
  async (t) => {
    const u = throwawayUser(t);
    t.equal(await ssh.keysFile(u.name), join(u.home, '.ssh', 'authorized_keys'));
    t.equal(await ssh.read(u.name), null, 'no ~/.ssh yet');

    const old = process.umask(0o000); // the modes must not depend on the agent's umask
    t.teardown(() => void process.umask(old));
    await ssh.write(u.name, 'ssh-ed25519 AAAAC3Nza k1\nssh-rsa AAAAB3Nza k2');
    const dir = statSync(join(u.home, '.ssh'));
    t.equal(dir.mode & 0o7777, 0o700);
    t.same([dir.uid, dir.gid], [u.uid, u.gid]);
    const file = statSync(join(u.home, '.ssh', 'authorized_keys'));
    t.equal(file.mode & 0o7777, 0o600);
    t.same([file.uid, file.gid], [u.uid, u.gid]);
    t.equal(readFileSync(join(u.home, '.ssh', 'authorized_keys'), 'utf8'), 'ssh-ed25519 AAAAC3Nza k1\nssh-rsa AAAAB3Nza k2');
    t.equal(await ssh.read(u.name), 'ssh-ed25519 AAAAC3Nza k1\nssh-rsa AAAAB3Nza k2');

    const inode = file.ino;
    await ssh.write(u.name, 'ssh-ed25519 AAAAC3Nza k3');
    t.equal(await ssh.read(u.name), 'ssh-ed25519 AAAAC3Nza k3');
    t.not(statSync(join(u.home, '.ssh', 'authorized_keys')).ino, inode, 'replaced by rename, not rewritten in place');
    t.same(readdirSync(join(u.home, '.ssh')), ['authorized_keys'], 'no temp files left behind');
    await ssh.write(u.name, '');
    t.equal(await ssh.read(u.name), '', 'an empty file is a file');
  },
);

t.test('a planted authorized_keys symlink is never followed', { skip: !isRoot && 'needs root' }, async (t) => {
  const u = throwawayUser(t);
  const outside = scratchDir(t, 'qga-ssh-');
  const secret = join(outside, 'shadow-copy');
  copyFileSync('/etc/passwd', secret); // stands in for /etc/shadow
  const before = readFileSync(secret, 'utf8');
  mkdirSync(join(u.home, '.ssh'), { mode: 0o700 });
  execFileSync('chown', [`${u.uid}:${u.gid}`, join(u.home, '.ssh')]);
  const link = join(u.home, '.ssh', 'authorized_keys');
  symlinkSync(secret, link);

  t.equal(await rejectionCode(ssh.read(u.name)), 'ELOOP', 'read refuses the link instead of returning the target');
  await ssh.write(u.name, 'ssh-ed25519 AAAA new');
  t.ok(lstatSync(link).isFile(), 'the link itself was replaced by a regular file');
  t.equal(readFileSync(link, 'utf8'), 'ssh-ed25519 AAAA new');
  t.equal(readFileSync(secret, 'utf8'), before, 'the target is untouched');
  const st = statSync(secret);
  t.same([st.uid, st.gid], [0, 0], 'and still owned by root');
});

t.test('a symlinked ~/.ssh is refused, never written through', { skip: !isRoot && 'needs root' }, async (t) => {
  const u = throwawayUser(t);
  const outside = scratchDir(t, 'qga-ssh-');
  const rootDir = join(outside, 'root-ssh');
  mkdirSync(rootDir, { mode: 0o700 });
  writeFileSync(join(rootDir, 'authorized_keys'), 'root key\n');
  symlinkSync(rootDir, join(u.home, '.ssh'));
  t.equal(await rejectionCode(ssh.read(u.name)), 'ELOOP');
  t.equal(await rejectionCode(ssh.write(u.name, 'attacker key')), 'ELOOP');
  t.equal(readFileSync(join(rootDir, 'authorized_keys'), 'utf8'), 'root key\n');
  t.same(readdirSync(rootDir), ['authorized_keys']);
  t.equal(statSync(rootDir).uid, 0, 'ownership not handed to the user');
  t.ok(lstatSync(join(u.home, '.ssh')).isSymbolicLink(), "the user's link is left alone");
});

t.test('a FIFO or a directory as authorized_keys cannot hang or confuse the agent', { skip: !isRoot && 'needs root' }, async (t) => {
  const u = throwawayUser(t);
  mkdirSync(join(u.home, '.ssh'), { mode: 0o700 });
  execFileSync('mkfifo', [join(u.home, '.ssh', 'authorized_keys')]);
  const t0 = Date.now();
  t.equal(await rejectionCode(ssh.read(u.name)), 'EINVAL');
  t.ok(Date.now() - t0 < 1_000, 'returned at once');
  await ssh.write(u.name, 'k');
  t.ok(lstatSync(join(u.home, '.ssh', 'authorized_keys')).isFile(), 'write replaces it');
  unlinkSync(join(u.home, '.ssh', 'authorized_keys'));
  mkdirSync(join(u.home, '.ssh', 'authorized_keys'));
  t.equal(await rejectionCode(ssh.read(u.name)), 'EISDIR', "a directory reads as GLib's 'Is a directory'");
  rmSync(join(u.home, '.ssh', 'authorized_keys'), { recursive: true });
  writeFileSync(join(u.home, '.ssh', 'authorized_keys'), Buffer.alloc(64));
  const small = new LinuxSshKeys({ maxFileBytes: 16 });
  t.equal(await rejectionCode(small.read(u.name)), 'EFBIG');
});

t.test('the real chpasswd on a throwaway user', { skip: !isRoot && 'needs root' }, async (t) => {
  const u = throwawayUser(t);
  const pw = new LinuxPassword();
  const shadowOf = (): string =>
    readFileSync('/etc/shadow', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${u.name}:`))!
      .split(':')[1]!;
  await pw.setPassword(u.name, 's3cret pass', false);
  const hashed = shadowOf();
  t.match(hashed, /^\$[^$]+\$/, 'a crypted password was stored');
  t.not(hashed, 's3cret pass');
  const crypted = '$6$qgasalt$GsU5/7Gf9i1uUeP4ojbS6Td.jsYQOdPkcyEWcyqJUcMq7xCpLYeUlK8R27OCKWlW9N5kcq/5WX0.LqCuOeK.H/';
  await pw.setPassword(u.name, crypted, true);
  t.equal(shadowOf(), crypted, 'a crypted password is stored as given');
  const msg = await rejectionMessage(pw.setPassword('qga-no-such-user', 'x', false));
  t.match(msg, /^child process has failed to set user password: .*qga-no-such-user/s);
  t.ok(existsSync(u.home));
});
