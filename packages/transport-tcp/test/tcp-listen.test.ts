import { connect as netConnect, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import t from 'tap';
import { startEchoAgent } from '@qga/core/testing';
import { tcpListenTransport, type TcpListenOptions } from '../src/index.js';
import { LineClient } from './fixtures/line-client.js';
import { makePki, type Pki } from './fixtures/pki.js';
import * as scenarios from './fixtures/scenarios.js';
import { tmpDir } from './fixtures/tmp-dir.js';

const SECRET = 'correct horse battery staple';

/** Start a transport with the echo agent on a free loopback port. */
async function listen(
  t: Parameters<typeof tmpDir>[0],
  options: Omit<TcpListenOptions, 'port'>,
): Promise<{ port: number; errors: unknown[] }> {
  let ready!: (a: AddressInfo) => void;
  const listening = new Promise<AddressInfo>((r) => (ready = r));
  const agent = startEchoAgent(tcpListenTransport({ port: 0, ...options, onListening: ready }));
  t.teardown(() => agent.stop());
  const address = await Promise.race([listening, sleep(3_000).then(() => undefined)]);
  if (!address) throw new Error(`did not listen: ${String(agent.errors[0])}`);
  return { port: address.port, errors: agent.errors };
}

function plain(port: number): Promise<LineClient> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: '127.0.0.1', port }, () => resolve(new LineClient(s)));
    s.once('error', reject);
  });
}

function tlsClient(port: number, pki: Pki, identity: 'client' | 'rogue' | 'none'): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const creds =
      identity === 'client'
        ? { cert: pki.clientCert, key: pki.clientKey }
        : identity === 'rogue'
          ? { cert: pki.rogueCert, key: pki.rogueKey }
          : {};
    const s = tlsConnect({ host: '127.0.0.1', port, ca: pki.ca, ...creds }, () => resolve(s));
    s.once('error', reject);
  });
}

function tcpHarness(
  t: Parameters<typeof tmpDir>[0],
  extra: Omit<TcpListenOptions, 'port'>,
  authLine?: string,
  pki?: Pki,
): scenarios.MakeHarness {
  return async ({ maxClients }) => {
    let ready!: (a: AddressInfo) => void;
    const listening = new Promise<AddressInfo>((r) => (ready = r));
    const transport = tcpListenTransport({ port: 0, ...extra, ...(maxClients ? { maxClients } : {}), onListening: ready });
    return {
      transport,
      listening: listening.then(() => undefined),
      connect: async () => {
        const { port } = await listening;
        const socket = pki ? await tlsClient(port, pki, 'client') : (await plain(port)).socket;
        socket.removeAllListeners('data');
        if (authLine) socket.write(authLine);
        return socket;
      },
    };
  };
}

t.test('loopback by default; refuses non-loopback without authentication and opt-in', async (t) => {
  t.equal(tcpListenTransport({ port: 4444 }).description, 'tcp-listen:127.0.0.1:4444');
  t.throws(() => tcpListenTransport({ host: '0.0.0.0', port: 4444 }), {
    message:
      'refusing to listen on 0.0.0.0:4444 without authentication: use --tls-cert/--tls-key/--tls-ca (mutual TLS) or --shared-secret-file',
  });
  t.throws(
    () => tcpListenTransport({ host: '::', port: 4444, allowRemote: true }),
    /refusing to listen on \[::\]:4444 without authentication/,
  );
  t.throws(() => tcpListenTransport({ host: '10.1.2.3', port: 1, sharedSecret: SECRET }), /not a loopback address; pass --allow-remote/);
  t.ok(tcpListenTransport({ host: '0.0.0.0', port: 4444, sharedSecret: SECRET, allowRemote: true }));
  t.ok(tcpListenTransport({ host: '::1', port: 4444 }), 'IPv6 loopback needs nothing');
  t.ok(tcpListenTransport({ host: 'localhost', port: 4444 }));
  t.throws(() => tcpListenTransport({ port: 70000 }), /invalid port/);
  t.throws(() => tcpListenTransport({ port: 1, sharedSecret: 'short' }), /at least 16 bytes/);
  t.throws(() => tcpListenTransport({ port: 1, tls: { cert: 'x', key: 'y', ca: '' } }), /CA for client certificates/);
});

t.test('shared secret', async (t) => {
  const { port } = await listen(t, { sharedSecret: `${SECRET}\n`, authTimeoutMs: 500 });

  const good = await plain(port);
  t.teardown(() => good.socket.destroy());
  // Auth line and first request in one write.
  good.send(`AUTH ${SECRET}\n{"execute":"echo","arguments":1,"id":1}\n`);
  const [first] = await good.waitLines(1);
  t.same(JSON.parse(first!.toString()), { return: 1, id: 1 }, 'an authenticated client sees plain QGA');
  t.same(await good.request({ execute: 'echo', arguments: 2, id: 2 }), { return: 2, id: 2 });

  const crlf = await plain(port);
  crlf.send(`AUTH ${SECRET}\r\n`);
  t.same(await crlf.request({ execute: 'echo', arguments: 3, id: 3 }), { return: 3, id: 3 }, 'CRLF after the secret is fine');
  crlf.socket.destroy();

  const wrong = await plain(port);
  wrong.send(`AUTH ${SECRET}x\n{"execute":"echo","arguments":1,"id":1}\n`);
  await wrong.closedPromise;
  t.same(
    wrong.lines.map((l) => l.toString()),
    ['{"error": {"class": "GenericError", "desc": "authentication failed"}}'],
    'wrong secret: one error line, then closed',
  );

  const noAuth = await plain(port);
  noAuth.send('{"execute":"echo","arguments":1,"id":1}\n');
  await noAuth.closedPromise;
  t.equal(noAuth.lines.length, 1, 'a request without AUTH is not executed');
  t.match(noAuth.lines[0]!.toString(), /authentication failed/);

  const silent = await plain(port);
  const t0 = Date.now();
  await silent.closedPromise;
  t.ok(Date.now() - t0 < 10_000, 'a silent client is dropped after the auth timeout');

  const flood = await plain(port);
  flood.send('A'.repeat(5000));
  await flood.closedPromise;
  t.pass('an endless first line is cut off');
});

t.test('mutual TLS', async (t) => {
  const pki = makePki(tmpDir(t));
  const { port } = await listen(t, { host: '0.0.0.0', allowRemote: true, tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca } });

  const socket = await tlsClient(port, pki, 'client');
  const good = new LineClient(socket);
  t.teardown(() => socket.destroy());
  t.same(
    await good.request({ execute: 'echo', arguments: 'tls', id: 1 }),
    { return: 'tls', id: 1 },
    'client with a CA-signed certificate is served',
  );

  const outcome = async (identity: 'rogue' | 'none'): Promise<string> => {
    try {
      const s = await tlsClient(port, pki, identity);
      const c = new LineClient(s);
      await c.request({ execute: 'echo', arguments: 1, id: 1 }, 2_000);
      return 'served';
    } catch (err) {
      return `rejected: ${(err as Error).message}`;
    }
  };
  t.match(await outcome('none'), /^rejected/, 'client without a certificate is rejected');
  t.match(await outcome('rogue'), /^rejected/, 'client with a certificate from another CA is rejected');

  const clear = await plain(port);
  clear.send('{"execute":"echo","arguments":1,"id":1}\n');
  await clear.closedPromise;
  t.equal(clear.lines.length, 0, 'plain-text client gets nothing');
});

t.test('mutual TLS plus shared secret', async (t) => {
  const pki = makePki(tmpDir(t));
  const { port } = await listen(t, { tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca }, sharedSecret: SECRET });
  const s1 = await tlsClient(port, pki, 'client');
  const c1 = new LineClient(s1);
  c1.send(`AUTH ${SECRET}\n`);
  t.same(await c1.request({ execute: 'echo', arguments: 1, id: 1 }), { return: 1, id: 1 });
  s1.destroy();
  const s2 = await tlsClient(port, pki, 'client');
  const c2 = new LineClient(s2);
  c2.send('AUTH nope-nope-nope-nope\n');
  await c2.closedPromise;
  t.match(c2.lines.map(String).join(''), /authentication failed/, 'certificate alone is not enough when a secret is configured');
});

t.test('listening on a port in use fails the sessions observable', async (t) => {
  const { port } = await listen(t, {});
  const agent = startEchoAgent(tcpListenTransport({ port }));
  t.teardown(() => agent.stop());
  await sleep(100);
  t.match(String(agent.errors[0]), /EADDRINUSE/);
});

t.test('plain: two clients at once', (t) => scenarios.twoClientsNoCrossing(t, tcpHarness(t, {})));
t.test('plain: half a request, disconnect, reconnect', (t) => scenarios.halfRequestThenReconnect(t, tcpHarness(t, {})));
t.test('plain: client killed mid-reply', (t) => scenarios.killMidReply(t, tcpHarness(t, {})));
t.test('plain: client that never reads', (t) => scenarios.neverReadingClient(t, tcpHarness(t, {})));
t.test('plain: maxClients', (t) => scenarios.maxClientsRefused(t, tcpHarness(t, {})));
t.test('plain: half-close', (t) => scenarios.halfCloseStillAnswered(t, tcpHarness(t, {})));

t.test('secret: two clients at once', (t) =>
  scenarios.twoClientsNoCrossing(t, tcpHarness(t, { sharedSecret: SECRET }, `AUTH ${SECRET}\n`)),
);
t.test('secret: client that never reads', (t) =>
  scenarios.neverReadingClient(t, tcpHarness(t, { sharedSecret: SECRET }, `AUTH ${SECRET}\n`)),
);

t.test('tls', async (t) => {
  const pki = makePki(tmpDir(t));
  const tls = { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca };
  await t.test('two clients at once', (t) => scenarios.twoClientsNoCrossing(t, tcpHarness(t, { tls }, undefined, pki)));
  await t.test('client killed mid-reply', (t) => scenarios.killMidReply(t, tcpHarness(t, { tls }, undefined, pki)));
  await t.test('client that never reads', (t) => scenarios.neverReadingClient(t, tcpHarness(t, { tls }, undefined, pki)));
  await t.test('half-close', (t) => scenarios.halfCloseStillAnswered(t, tcpHarness(t, { tls }, undefined, pki)));
});
