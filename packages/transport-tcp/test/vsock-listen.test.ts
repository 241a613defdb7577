import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startEchoAgent } from '@qga/core/testing';
import { vsockListenTransport } from '../src/index.js';
import { nativeRelayTransport } from '../src/native-relay-transport.js';
import { loadVsockAddon } from '../src/vsock-addon.js';
import { LineClient } from './fixtures/line-client.js';
import * as scenarios from './fixtures/scenarios.js';
import { tmpDir } from './fixtures/tmp-dir.js';

// End-to-end vsock traffic cannot be tested here: there is no vsock loopback
// (CID 1 connections time out) and CID 2 is the real hypervisor, which tests
// must never contact. What is tested: bind/listen/close and their errors on a
// real AF_VSOCK socket, and the addon's accept + relay path end to end on a
// unix socket (the same C code, only the address family differs).

const addon = loadVsockAddon();
// Ports from a range unlikely to be used by anything else on the machine.
const basePort = 40_000 + (process.pid % 10_000) * 2;

t.test('binds and listens on AF_VSOCK, then releases the port', async (t) => {
  const agent = startEchoAgent(vsockListenTransport({ port: basePort }));
  await sleep(50);
  t.same(agent.errors, [], 'listening');
  const second = startEchoAgent(vsockListenTransport({ port: basePort }));
  await sleep(50);
  t.match(second.errors[0], { code: 'EADDRINUSE', syscall: 'bind', message: /vsock-listen:-1:\d+: bind EADDRINUSE/ }, 'same port twice: EADDRINUSE');
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

t.test('addon argument checks', async (t) => {
  t.throws(() => addon.listenVsock(-1, 1, 1, () => undefined), TypeError);
  t.throws(() => addon.listenVsock(1, 2 ** 32, 1, () => undefined), TypeError);
  t.throws(() => (addon.listenVsock as (...a: unknown[]) => unknown)(1, 1, 1, 'nope'), TypeError);
  t.throws(() => addon.listenUnix('', 1, () => undefined), TypeError);
});

t.test('without the addon: a clear error, not a crash', async (t) => {
  const entry = fileURLToPath(new URL('../src/index.js', import.meta.url));
  const script = `import(${JSON.stringify(entry)}).then((m) => { try { m.vsockListenTransport({ port: 5 }); console.log('no error'); } catch (e) { console.log(e.message); } })`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, QGA_VSOCK_ADDON: '/nonexistent/qga_vsock.node' },
    encoding: 'utf8',
  });
  t.equal(out.status, 0);
  t.match(out.stdout, /vsock-listen is unavailable: the native addon qga_vsock.node was not built .*npm run build:native -w @qga\/transport-tcp/);
});

/** The addon's accept thread and relay, reached over a unix socket. */
function relayHarness(t: Parameters<typeof tmpDir>[0]): scenarios.MakeHarness {
  return ({ maxClients }) => {
    const path = join(tmpDir(t), 'relay.sock');
    let ready!: () => void;
    const listening = new Promise<void>((r) => (ready = r));
    return {
      transport: nativeRelayTransport({
        description: `relay:${path}`,
        maxClients: maxClients ?? 16,
        listen: (onEvent) => addon.listenUnix(path, 16, onEvent),
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

t.test('relay: two clients at once', (t) => scenarios.twoClientsNoCrossing(t, relayHarness(t)));
t.test('relay: half a request, disconnect, reconnect', (t) => scenarios.halfRequestThenReconnect(t, relayHarness(t)));
t.test('relay: client killed mid-reply', (t) => scenarios.killMidReply(t, relayHarness(t)));
t.test('relay: client that never reads', (t) => scenarios.neverReadingClient(t, relayHarness(t)));
t.test('relay: maxClients', (t) => scenarios.maxClientsRefused(t, relayHarness(t)));
t.test('relay: half-close', (t) => scenarios.halfCloseStillAnswered(t, relayHarness(t)));

t.test('relay: the agent closing a session hangs up on the host', async (t) => {
  const make = relayHarness(t);
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

t.test('relay threads do not keep running after their connections end', async (t) => {
  const threads = (): number => Number(/Threads:\s+(\d+)/.exec(require_status())?.[1]);
  const before = threads();
  let during = 0;
  await t.test('two clients, then everything closed', async (t) => {
    await scenarios.twoClientsNoCrossing(t, relayHarness(t));
    during = threads();
  });
  await sleep(300);
  t.ok(during >= before + 3, `accept thread + one relay thread per client while connected (${before} → ${during})`);
  t.equal(threads(), before, 'all gone once clients and listener are closed');
});

function require_status(): string {
  return spawnSync('cat', [`/proc/${process.pid}/status`], { encoding: 'utf8' }).stdout;
}

t.test('worker threads that exit with live connections do not take the process down', async (t) => {
  // Node unloads a worker's addons when it exits; relay threads still running must not lose their code.
  const addonPath = fileURLToPath(new URL('../../native/build/Release/qga_vsock.node', import.meta.url));
  const dir = tmpDir(t);
  const worker = `
    const a = require(${JSON.stringify(addonPath)});
    const net = require('net');
    const path = ${JSON.stringify(dir)} + '/w' + require('worker_threads').threadId + '.sock';
    const l = a.listenUnix(path, 8, () => process.exit(0));
    net.connect(path);`;
  const main = `
    const { Worker } = require('worker_threads');
    let n = 0;
    const one = () => new Worker(${JSON.stringify(worker)}, { eval: true }).on('exit', () => (++n < 10 ? one() : console.log('done')));
    one();`;
  const out = spawnSync(process.execPath, ['-e', main], { encoding: 'utf8', timeout: 30_000 });
  t.equal(out.signal, null, 'no crash');
  t.equal(out.status, 0);
  t.equal(out.stdout.trim(), 'done');
});
