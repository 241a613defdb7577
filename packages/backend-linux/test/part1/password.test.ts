import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { LinuxPassword } from '../../src/users/index.js';
import { Doubles } from './doubles.js';
import { rejectionMessage, scratchDir } from './fixtures.js';

function setup(t: { teardown(fn: () => void): void }, body: string, timeoutMs = 2_000) {
  const root = scratchDir(t, 'qga-pw-');
  const bin = join(root, 'bin');
  const d = new Doubles(root);
  const stdin = join(root, 'stdin');
  d.add(bin, 'chpasswd', `/bin/cat > '${stdin}'\n${body}`);
  return { d, stdin, pw: new LinuxPassword({ env: { searchPath: bin, timeoutMs } }) };
}

t.test('chpasswd gets user:password on stdin, -e when crypted', async (t) => {
  const { d, stdin, pw } = setup(t, 'exit 0');
  await pw.setPassword('alice', 'pa ss:wörd', false);
  t.equal(readFileSync(stdin, 'utf8'), 'alice:pa ss:wörd\n');
  await pw.setPassword('bob', '$6$salt$hash', true);
  t.equal(readFileSync(stdin, 'utf8'), 'bob:$6$salt$hash\n');
  t.same(d.calls(), ['chpasswd', 'chpasswd [-e]'], 'the password is never on the command line');
});

t.test('a failing chpasswd reports its output', async (t) => {
  const { pw } = setup(
    t,
    `echo "chpasswd: line 1: user 'ghost' does not exist" >&2; echo "chpasswd: error detected, changes ignored" >&2; exit 1`,
  );
  t.equal(
    await rejectionMessage(pw.setPassword('ghost', 'x', false)),
    "child process has failed to set user password: chpasswd: line 1: user 'ghost' does not exist\nchpasswd: error detected, changes ignored\n",
  );
  const quiet = setup(t, 'exit 1');
  t.equal(await rejectionMessage(quiet.pw.setPassword('u', 'x', false)), 'child process has failed to set user password: exit status 1');
});

t.test('missing chpasswd, forbidden characters, hanging chpasswd', async (t) => {
  const root = scratchDir(t, 'qga-pw-');
  const none = new LinuxPassword({ env: { searchPath: root, timeoutMs: 1_000 } });
  t.equal(await rejectionMessage(none.setPassword('u', 'x', false)), "cannot find 'chpasswd' program in PATH");
  const { d, pw } = setup(t, 'exit 0');
  t.equal(await rejectionMessage(pw.setPassword('u', 'a\nroot:b', false)), 'forbidden characters in raw password');
  t.equal(await rejectionMessage(pw.setPassword('u:x', 'a', false)), 'forbidden characters in username');
  t.equal(await rejectionMessage(pw.setPassword('u\n', 'a', false)), 'forbidden characters in username');
  t.same(d.calls(), [], 'nothing ran');
  const slow = setup(t, 'exec /bin/sleep 60', 300);
  t.equal(
    await rejectionMessage(slow.pw.setPassword('u', 'x', false)),
    'child process has failed to set user password: timed out after 300 ms',
  );
});
