import { join } from 'node:path';
import t from 'tap';
import { RawQgaClient } from './helpers/qga-socket.js';
import { BUNDLE, ensureBundle, start, tempDir } from './helpers/run-qga.js';

// koffi missing for the platform (or QGA_NO_NATIVE=1, as here): the agent still starts and
// answers; each command that needs a kernel call says why it cannot, the others work.
const unavailable = 'native calls are unavailable (koffi could not be loaded: QGA_NO_NATIVE=1)';

t.test('without the native layer the agent starts, and each native command fails clearly', async (t) => {
  ensureBundle();
  const dir = tempDir(t);
  const agent = start(['--backend', 'linux', '-m', 'unix-listen', '-p', join(dir, 'sock'), '-t', dir, '-f', join(dir, 'qga.pid')], {
    program: BUNDLE,
    env: { QGA_NO_NATIVE: '1' },
  });
  t.teardown(() => agent.child.kill('SIGTERM'));
  const c = await RawQgaClient.connect(join(dir, 'sock'));
  t.teardown(() => c.close());
  t.equal(await c.request({ execute: 'guest-ping' }), '{"return": {}}');
  t.equal(
    await c.request({ execute: 'guest-set-time', arguments: { time: 1796605837000000000 } }),
    `{"error": {"class": "GenericError", "desc": "Failed to set time to guest: ${unavailable}"}}`,
    'set-time: nothing set, the reason named',
  );
  const trim = JSON.parse((await c.request({ execute: 'guest-fstrim' }))!) as { return: { paths: Array<{ error?: string }> } };
  t.ok(
    trim.return.paths.length > 0 && trim.return.paths.every((p) => p.error === `failed to trim: ${unavailable}`),
    'fstrim: a per-path error, nothing trimmed',
  );
  const ifaces = JSON.parse((await c.request({ execute: 'guest-network-get-interfaces' }))!) as { return: Array<{ name: string }> };
  t.ok(
    ifaces.return.some((i) => i.name === 'lo'),
    'interfaces: the sysfs/procfs fallback answers',
  );
  t.match(await c.request({ execute: 'guest-get-cpustats' }), /^\{"return": \[/, 'cpustats: USER_HZ 100 fallback');
  t.match(
    await c.request({ execute: 'guest-ssh-get-authorized-keys', arguments: { username: 'no-such-user-qga' } }),
    /failed to lookup user 'no-such-user-qga': Success/,
    'ssh: /etc/passwd fallback',
  );
});
