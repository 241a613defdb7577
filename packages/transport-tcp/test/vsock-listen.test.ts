import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startEchoAgent } from '@qga/core/testing';
import { listenUnixNative } from '@qga/native-linux';
import { vsockListenTransport } from '../src/index.js';
import { nativeListenTransport } from '../src/native-listen-transport.js';
import { LineClient } from './fixtures/line-client.js';
import * as scenarios from './fixtures/scenarios.js';
import { tmpDir } from './fixtures/tmp-dir.js';

// End-to-end vsock traffic cannot be tested here: there is no vsock loopback
// (CID 1 connections time out) and CID 2 is the real hypervisor, which tests
// must never contact. What is tested: bind/listen/close and their errors on a
// real AF_VSOCK socket, and the native listener's accept + libuv I/O path end
// to end on a unix socket made the same way (socket + bind through libc, the
// fd handed to libuv; only the address family differs).

// Ports from a range unlikely to be used by anything else on the machine.
const basePort = 40_000 + (process.pid % 10_000) * 2;

t.test('binds and listens on AF_VSOCK, then releases the port', async (t) => {
  const agent = startEchoAgent(vsockListenTransport({ port: basePort }));
  await sleep(50);
  t.same(agent.errors, [], 'listening');
  const second = startEchoAgent(vsockListenTransport({ port: basePort }));
  await sleep(50);
  t.match(
    second.errors[0],
    { code: 'EADDRINUSE', syscall: 'bind', message: /vsock-listen:-1:\d+: bind EADDRINUSE/ },
    'same port twice: EADDRINUSE',
  );
  second.stop();
  agent.stop();
  const again = startEchoAgent(vsockListenTransport({ port: basePort }));
  await sleep(50);
  t.same(again.errors, [], 'the port is free again after unsubscribe');
  again.stop();
});

t.test('binding a CID that is not ours fails with EADDRNOTAVAIL', async (t) => {
  const agent = startEchoAgent(vsockListenTransport({ cid: 123456, port: basePort + 1 }));
  await sleep(50);
  t.match(agent.errors[0], { code: 'EADDRNOTAVAIL' });
  agent.stop();
});

t.test('option validation', async (t) => {
  t.throws(() => vsockListenTransport({ port: -1 }), /invalid vsock address '4294967295:-1': port must be an unsigned 32-bit integer/);
  t.throws(() => vsockListenTransport({ port: 1.5 }), /port must be/);
  t.throws(() => vsockListenTransport({ cid: 2 ** 32, port: 1 }), /cid must be/);
  t.throws(() => vsockListenTransport({ port: 1, maxClients: -3 }), /maxClients/);
  t.equal(vsockListenTransport({ cid: 3, port: 9 }).description, 'vsock-listen:3:9');
  t.equal(vsockListenTransport({ port: 9 }).description, 'vsock-listen:-1:9');
});

t.test('without the native layer: a clear error when listening, not a crash', async (t) => {
  const entry = fileURLToPath(new URL('../src/index.js', import.meta.url));
  const script = `import(${JSON.stringify(entry)}).then((m) => { m.vsockListenTransport({ port: 5 }).sessions().subscribe({ error: (e) => console.log(e.message) }); })`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, QGA_NO_NATIVE: '1' },
    encoding: 'utf8',
  });
  t.equal(out.status, 0);
  t.match(out.stdout, /^vsock-listen:-1:5: native calls are unavailable \(koffi could not be loaded: QGA_NO_NATIVE=1\)/);
});

/** The native listener's accept and libuv I/O, reached over a unix socket. */

function nativeHarness(t: Parameters<typeof tmpDir>[0]): scenarios.MakeHarness {
  return ({ maxClients }) => {
    const path = join(tmpDir(t), 'native.sock');
    let ready!: () => void;
    const listening = new Promise<void>((r) => (ready = r));
    return {
      transport: nativeListenTransport({
        description: `native:${path}`,
        maxClients: maxClients ?? 16,
        listen: (onAccept) => listenUnixNative(path, 16, onAccept),
        onListening: ready,
      }),
      listening,
      connect: () =>
        new Promise((resolve, reject) => {
          const s = connect(path, () => resolve(s));
          s.once('error', reject);
        }),
    };
  };
}

t.test('native listener: two clients at once', (t) => scenarios.twoClientsNoCrossing(t, nativeHarness(t)));
t.test('native listener: half a request, disconnect, reconnect', (t) => scenarios.halfRequestThenReconnect(t, nativeHarness(t)));
t.test('native listener: client killed mid-reply', (t) => scenarios.killMidReply(t, nativeHarness(t)));
t.test('native listener: client that never reads', (t) => scenarios.neverReadingClient(t, nativeHarness(t)));
t.test('native listener: maxClients', (t) => scenarios.maxClientsRefused(t, nativeHarness(t)));
t.test('native listener: half-close', (t) => scenarios.halfCloseStillAnswered(t, nativeHarness(t)));

t.test('native listener: the agent closing a session hangs up on the host', async (t) => {
  const make = nativeHarness(t);
  const harness = await make({});
  const sessions: Array<{ close(): void }> = [];
  const sub = harness.transport.sessions().subscribe((s) => {
    sessions.push(s);
    s.input$.subscribe();
  });
  t.teardown(() => sub.unsubscribe());
  await harness.listening;
  const c = new LineClient(await harness.connect());
  for (let i = 0; i < 100 && sessions.length === 0; i++) await sleep(10);
  sessions[0]!.close();
  await c.closedPromise;
  t.pass('host saw the connection end');
});

t.test('no thread per connection: the listener and its clients run on the event loop', async (t) => {
  const threads = (): number =>
    Number(/Threads:\s+(\d+)/.exec(spawnSync('cat', [`/proc/${process.pid}/status`], { encoding: 'utf8' }).stdout)?.[1]);
  const before = threads();
  let during = 0;
  await t.test('two clients, then everything closed', async (t) => {
    await scenarios.twoClientsNoCrossing(t, nativeHarness(t));
    during = threads();
  });
  t.ok(during <= before + 1, `threads while connected: ${before} → ${during}`);
});
