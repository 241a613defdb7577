import t from 'tap';
import { rmSync } from 'node:fs';
import { QgaClient } from '../src/client/qga-client.js';
import { QgaConnectionError } from '../src/errors/qga-connection-error.js';
import { startFakeAgent } from './helpers/fake-agent.js';
import { makeCerts } from './helpers/make-certs.js';

t.test('tcp: the AUTH line goes first, then the handshake', async (t) => {
  const agent = await startFakeAgent({ tcp: true, sharedSecret: 's3cret' });
  t.teardown(() => agent.close());
  const client = await QgaClient.connect(agent.address, { sharedSecret: 's3cret' });
  t.equal(await client.hostname(), 'fake-guest');
  await client.close();

  const wrong = await QgaClient.connect(agent.address, { sharedSecret: 'nope', timeoutMs: 1000 }).catch((e: unknown) => e);
  t.type(wrong, QgaConnectionError, 'a wrong secret: the agent hangs up');
  t.match((wrong as Error).message, /the agent said: authentication failed/);
  const missing = await QgaClient.connect(agent.address, { timeoutMs: 500 }).catch((e: unknown) => e);
  t.type(missing, QgaConnectionError, 'no secret: no answer');
});

t.test('tcp: a refused port fails fast with a connection error', async (t) => {
  const agent = await startFakeAgent({ tcp: true });
  const address = agent.address;
  await agent.close();
  const start = Date.now();
  const err = await QgaClient.connect(address).catch((e: unknown) => e);
  t.type(err, QgaConnectionError);
  t.match((err as Error).message, /ECONNREFUSED/);
  t.ok(Date.now() - start < 1000);
});

t.test('tls: client certificate, CA and shared secret', async (t) => {
  const certs = makeCerts();
  t.teardown(() => rmSync(certs.dir, { recursive: true, force: true }));
  const agent = await startFakeAgent({
    sharedSecret: 'tls-secret',
    tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, requestCert: true, rejectUnauthorized: true },
  });
  t.teardown(() => agent.close());
  const client = await QgaClient.connect(agent.address, {
    sharedSecret: 'tls-secret',
    tls: { cert: certs.clientCert, key: certs.clientKey, ca: certs.ca },
  });
  await client.ping();
  t.equal(await client.hostname(), 'fake-guest');
  await client.close();

  const untrusted = await QgaClient.connect(agent.address, {
    sharedSecret: 'tls-secret',
    tls: { cert: certs.clientCert, key: certs.clientKey },
    timeoutMs: 2000,
  }).catch((e: unknown) => e);
  t.type(untrusted, QgaConnectionError, 'without the CA the agent certificate is rejected');

  const rogue = await QgaClient.connect(agent.address, {
    sharedSecret: 'tls-secret',
    tls: { cert: certs.rogueCert, key: certs.rogueKey, ca: certs.ca },
    timeoutMs: 2000,
  }).catch((e: unknown) => e);
  t.type(rogue, QgaConnectionError, 'a client certificate from another CA is refused by the agent');
});
