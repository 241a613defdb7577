import 'reflect-metadata';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { createAgent, type Transport } from '@qga/core';
import { mockBackend } from '@qga/backend-mock';
import { tcpListenTransport, unixListenTransport } from '../src/index.js';
import { LineClient } from './fixtures/line-client.js';
import { tmpDir } from './fixtures/tmp-dir.js';

// The real agent (createAgent + the mock backend) behind these transports.

async function run(t: Parameters<typeof tmpDir>[0], transport: Transport): Promise<void> {
  const agent = createAgent({ transport, backend: mockBackend() });
  await agent.start();
  t.teardown(() => agent.stop());
}

function unixClient(path: string): Promise<LineClient> {
  return new Promise((resolve, reject) => {
    const s = connect(path, () => resolve(new LineClient(s)));
    s.once('error', reject);
  });
}

t.test('unix-listen: concurrent clients, per-client parsers, the 0xFF handshake', async (t) => {
  const path = join(tmpDir(t), 'qga.sock');
  let ready!: () => void;
  const listening = new Promise<void>((r) => (ready = r));
  await run(t, unixListenTransport({ path, onListening: ready }));
  await listening;

  const a = await unixClient(path);
  const b = await unixClient(path);
  t.teardown(() => {
    a.socket.destroy();
    b.socket.destroy();
  });
  const big = 2n ** 62n + 5n;
  a.send(`{"execute":"guest-sync","arguments":{"id":${big}}}\n`);
  b.send('{"execute":"guest-sync","arguments":{"id":42}}\n');
  const [ra] = await a.waitLines(1);
  const [rb] = await b.waitLines(1);
  t.equal(ra!.toString(), `{"return": ${big}}`, 'int64 id survives, reply to its own client');
  t.equal(rb!.toString(), '{"return": 42}');

  // Half a request, then gone: the next client is not affected.
  a.send('{"execute":"guest-sync","argu');
  a.socket.destroy();
  await a.closedPromise;
  const c = await unixClient(path);
  t.teardown(() => c.socket.destroy());
  c.send('{"execute":"guest-ping"}\n');
  t.equal((await c.waitLines(1))[0]!.toString(), '{"return": {}}', 'new client starts with a clean parser');

  // The documented handshake: 0xFF costs one error reply, then 0xFF + the sync reply.
  c.socket.write(Buffer.concat([Buffer.from([0xff]), Buffer.from('{"execute":"guest-sync-delimited","arguments":{"id":7}}\n')]));
  await sleep(200);
  const raw = Buffer.concat(c.lines.slice(1).map((l) => Buffer.concat([l, Buffer.from('\n')])));
  const ff = raw.indexOf(0xff);
  t.ok(ff >= 0, '0xFF delimiter present');
  t.equal(raw.subarray(ff + 1).toString(), '{"return": 7}\n');
});

t.test('tcp-listen with a shared secret: the real agent sees plain QGA after AUTH', async (t) => {
  const secret = 'a-long-enough-shared-secret';
  let ready!: (port: number) => void;
  const listening = new Promise<number>((r) => (ready = r));
  await run(t, tcpListenTransport({ port: 0, sharedSecret: secret, onListening: (a) => ready(a.port) }));
  const port = await listening;
  const client = await new Promise<LineClient>((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(new LineClient(s)));
  });
  t.teardown(() => client.socket.destroy());
  client.send(`AUTH ${secret}\n{"execute":"guest-sync","arguments":{"id":1}}\n`);
  t.equal((await client.waitLines(1))[0]!.toString(), '{"return": 1}');
  const info = await client.request({ execute: 'guest-info' });
  t.ok(Array.isArray((info.return as { supported_commands: unknown[] }).supported_commands));
});

t.test('start() waits for the transport: it rejects when the socket cannot be created, and resolves listening', async (t) => {
  const bad = createAgent({ transport: unixListenTransport({ path: '/nonexistent-qga-dir/qga.sock' }), backend: mockBackend() });
  await t.rejects(bad.start(), { code: 'ENOENT' }, 'no such directory: start() fails');
  await bad.stop();
  const dir = tmpDir(t);
  const busy = createAgent({
    transport: tcpListenTransport({ host: '127.0.0.1', port: 0, onListening: (a) => (taken = a.port) }),
    backend: mockBackend(),
  });
  let taken = 0;
  await busy.start();
  t.teardown(() => busy.stop());
  t.ok(taken > 0, 'listening once start() resolved');
  const clash = createAgent({ transport: tcpListenTransport({ host: '127.0.0.1', port: taken }), backend: mockBackend() });
  await t.rejects(clash.start(), { code: 'EADDRINUSE' }, 'a port in use: start() fails');
  const path = join(dir, 'ok.sock');
  const good = createAgent({ transport: unixListenTransport({ path }), backend: mockBackend() });
  await good.start();
  t.teardown(() => good.stop());
  const c = await unixClient(path);
  t.teardown(() => c.socket.destroy());
  c.send('{"execute":"guest-ping"}\n');
  t.equal((await c.waitLines(1))[0]!.toString(), '{"return": {}}', 'connectable as soon as start() resolved');
});
