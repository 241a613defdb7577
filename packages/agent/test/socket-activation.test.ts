import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { RawQgaClient } from './helpers/qga-socket.js';
import { MAIN_JS, tempDir } from './helpers/run-qga.js';
import { readSocketActivation } from '../src/service/socket-activation.js';

const ACTIVATE = '/usr/bin/systemd-socket-activate';

t.test('LISTEN_* rules', async (t) => {
  const unix = () => ({ kind: 'unix' as const, where: '/run/x.sock' });
  t.same(readSocketActivation({}, 42, unix), {});
  t.same(readSocketActivation({ LISTEN_PID: '41', LISTEN_FDS: '1' }, 42, unix), {}, 'not for us');
  t.same(readSocketActivation({ LISTEN_PID: '42', LISTEN_FDS: '0' }, 42, unix), {});
  t.same(readSocketActivation({ LISTEN_PID: '42', LISTEN_FDS: '2' }, 42, unix), { error: 'qga only supports listening on one socket' });
  t.same(readSocketActivation({ LISTEN_PID: '42', LISTEN_FDS: '1' }, 42, unix), {
    activation: { fd: 3, kind: 'unix', where: '/run/x.sock' },
  });
  t.match(
    readSocketActivation({ LISTEN_PID: '42', LISTEN_FDS: '1' }, 42, () => ({ kind: 'tcp', where: '0100007F:1F90' })),
    { error: /unsupported listen fd type \(tcp\)/ },
  );
  t.match(
    readSocketActivation({ LISTEN_PID: '42', LISTEN_FDS: '1' }, 42, () => undefined),
    { error: /unsupported listen fd type: only a unix socket/ },
  );
  const env: Record<string, string> = { LISTEN_PID: '42', LISTEN_FDS: '1', LISTEN_FDNAMES: 'x' };
  readSocketActivation(env, 42, unix);
  t.same(env, {}, 'variables consumed: guest-exec children do not inherit them');
});

t.test(
  'systemd socket activation: serves the inherited socket, -m/-p ignored',
  { skip: !existsSync(ACTIVATE) && 'systemd-socket-activate not installed' },
  async (t) => {
    const dir = tempDir(t);
    const sock = join(dir, 'activated.sock');
    // systemd-socket-activate listens, and on the first connection execs the agent with the socket as fd 3.
    const child = spawn(
      ACTIVATE,
      ['-l', sock, process.execPath, MAIN_JS, '--backend', 'mock', '-t', dir, '-m', 'virtio-serial', '-p', '/nonexistent/port'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, QGA_CONF: '/nonexistent' },
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    t.teardown(() => child.kill('SIGKILL'));
    const client = await RawQgaClient.connect(sock);
    t.equal(await client.request({ execute: 'guest-ping' }, 20_000), '{"return": {}}', stderr);
    t.match(await client.request({ execute: 'guest-sync', arguments: { id: 7 } }), '{"return": 7}');
    client.close();
    const second = await RawQgaClient.connect(sock);
    t.equal(await second.request({ execute: 'guest-ping' }), '{"return": {}}', 'a second client on the same inherited socket');
    second.close();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    t.equal(code, 0);
  },
);
