import { existsSync, lstatSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { startEchoAgent } from '@qga/core/testing';
import { unixListenTransport } from '../src/index.js';
import { LineClient } from './fixtures/line-client.js';
import * as scenarios from './fixtures/scenarios.js';
import { tmpDir } from './fixtures/tmp-dir.js';

function unixHarness(t: Parameters<typeof tmpDir>[0]): scenarios.MakeHarness {
  return ({ maxClients }) => {
    const path = join(tmpDir(t), 'qga.sock');
    let ready!: () => void;
    const listening = new Promise<void>((resolve) => (ready = resolve));
    return {
      transport: unixListenTransport({ path, onListening: ready, ...(maxClients ? { maxClients } : {}) }),
      listening,
      connect: () =>
        new Promise((resolve, reject) => {
          const s = connect(path, () => resolve(s));
          s.once('error', reject);
        }),
    };
  };
}

t.test('socket file: 0600, stale socket replaced, removed on unsubscribe', async (t) => {
  const dir = tmpDir(t);
  const path = join(dir, 'qga.sock');
  // A stale socket file left by a crashed agent.
  const stale = createServer().listen(path);
  await new Promise((r) => stale.once('listening', r));
  stale.close();
  await sleep(10);
  writeFileSync(join(dir, 'keep'), '');
  let ready!: () => void;
  const listening = new Promise<void>((r) => (ready = r));
  const agent = startEchoAgent(unixListenTransport({ path, onListening: ready }));
  await listening;
  t.equal(statSync(path).mode & 0o777, 0o600, 'mode 0600');
  t.same(readdirSync(dir).sort(), ['keep', 'qga.sock'], 'the stale socket was replaced, no staging directory left');
  t.ok(lstatSync(path).isSocket());
  const c = new LineClient(connect(path));
  t.same(await c.request({ execute: 'echo', arguments: [1, 2], id: 'x' }), { return: [1, 2], id: 'x' });
  agent.stop();
  await c.closedPromise;
  t.notOk(existsSync(path), 'socket file removed when the transport stops');
  t.pass('clients are disconnected when the transport stops');
});

t.test('custom mode', async (t) => {
  const path = join(tmpDir(t), 'qga.sock');
  let ready!: () => void;
  const listening = new Promise<void>((r) => (ready = r));
  const agent = startEchoAgent(unixListenTransport({ path, mode: 0o660, onListening: ready }));
  t.teardown(() => agent.stop());
  await listening;
  t.equal(statSync(path).mode & 0o777, 0o660);
});

t.test('refuses to delete a regular file at the socket path', async (t) => {
  const path = join(tmpDir(t), 'not-a-socket');
  writeFileSync(path, 'precious');
  const agent = startEchoAgent(unixListenTransport({ path }));
  t.teardown(() => agent.stop());
  t.match(String(agent.errors[0]), /exists and is not a socket/);
  t.same(readdirSync(dirname(path)), ['not-a-socket'], 'no staging directory left behind');
  t.ok(existsSync(path), 'the file is still there');
});

t.test('bad options throw at construction', async (t) => {
  t.throws(() => unixListenTransport({ path: '' }), /socket path is required/);
  t.throws(() => unixListenTransport({ path: '/tmp/x', maxClients: 0 }), /maxClients must be a positive integer/);
});

t.test('description', async (t) => {
  t.equal(unixListenTransport({ path: '/run/qga.sock' }).description, 'unix-listen:/run/qga.sock');
});

t.test('two clients at once, replies never cross', (t) => scenarios.twoClientsNoCrossing(t, unixHarness(t)));
t.test('half a request, disconnect, reconnect', (t) => scenarios.halfRequestThenReconnect(t, unixHarness(t)));
t.test('client killed mid-reply', (t) => scenarios.killMidReply(t, unixHarness(t)));
t.test('client that never reads', (t) => scenarios.neverReadingClient(t, unixHarness(t)));
t.test('maxClients', (t) => scenarios.maxClientsRefused(t, unixHarness(t)));
t.test('half-close', (t) => scenarios.halfCloseStillAnswered(t, unixHarness(t)));

t.test('refuses a socket path a live process accepts connections on, and leaves its socket alone', async (t) => {
  const path = join(tmpDir(t), 'qga.sock');
  // The probe connects and hangs up at once: the server sees a reset, as any client leaving.
  const live = createServer((s) => s.on('error', () => undefined).end('still mine\n')).listen(path);
  await new Promise((r) => live.once('listening', r));
  t.teardown(() => live.close());
  const inode = lstatSync(path).ino;
  const agent = startEchoAgent(unixListenTransport({ path }));
  t.teardown(() => agent.stop());
  for (let i = 0; i < 500 && agent.errors.length === 0; i++) await sleep(10);
  t.match(String(agent.errors[0]), `unix-listen: ${path} is in use`);
  t.equal(lstatSync(path).ino, inode, 'the socket file is untouched');
  t.same(readdirSync(dirname(path)), ['qga.sock'], 'no staging directory left behind');
  const reply = await new Promise<string>((resolve) => {
    const c = connect(path);
    let text = '';
    c.setEncoding('utf8')
      .on('data', (d: string) => (text += d))
      .on('end', () => resolve(text));
  });
  t.equal(reply, 'still mine\n', 'the live server still answers');
});

t.test('a listen failure names the socket path, not the staging directory', async (t) => {
  const agent = startEchoAgent(unixListenTransport({ path: '/nonexistent/dir/qga.sock' }));
  t.teardown(() => agent.stop());
  for (let i = 0; i < 500 && agent.errors.length === 0; i++) await sleep(10);
  t.equal(String(agent.errors[0]), 'Error: unix-listen: cannot listen on /nonexistent/dir/qga.sock: No such file or directory');
});
