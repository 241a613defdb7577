import t from 'tap';
import { QgaClient } from '../src/client/qga-client.js';
import { QgaClientError } from '../src/errors/qga-client-error.js';
import { QgaConnectionError } from '../src/errors/qga-connection-error.js';
import { QgaProtocolError } from '../src/errors/qga-protocol-error.js';
import { QgaTimeoutError } from '../src/errors/qga-timeout-error.js';
import type { JsonObject } from '../src/json/json-value.js';
import type { StrayReason } from '../src/session/qga-session.js';
import { startFakeAgent } from './helpers/fake-agent.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function commands(received: Array<JsonObject | '<FF>'>): string[] {
  return received.map((r) => (r === '<FF>' ? '<FF>' : String(r['execute'])));
}

t.test('syncs past a stale reply, garbage and an unmatched delimited reply', async (t) => {
  const agent = await startFakeAgent({
    onConnect: (conn) => {
      // What a previous client left in the pipe: a whole stale reply, a stale
      // delimited reply carrying somebody else's id, and half a line.
      conn.send(Buffer.from('{"return": 1}\n\xff{"return": 987654321}\n{"return": {"half', 'latin1'));
    },
  });
  t.teardown(() => agent.close());
  const strays: Array<[StrayReason, string]> = [];
  const client = await QgaClient.connect(agent.address, { onStray: (line, reason) => strays.push([reason, line]) });
  t.teardown(() => client.close());
  t.equal(await client.hostname(), 'fake-guest');
  t.same(
    strays.map((s) => s[1]),
    [
      '{"return": 1}',
      '{"return": 987654321}',
      // The half line glues onto the error our 0xFF provoked: both are thrown away.
      `{"return": {"half{"error": {"class": "GenericError", "desc": "JSON parse error, stray '\\uFFFD'"}}`,
    ],
    'every stale line was seen and none was taken for a reply',
  );
  t.same(
    strays.map((s) => s[0]),
    ['before-sync', 'stale-sync', 'not-json'],
  );
  t.same(commands(agent.connections[0]!.received), ['<FF>', 'guest-sync-delimited', 'guest-get-host-name']);
});

t.test('a delimited reply with the wrong id is not accepted; the client retries with a new id', async (t) => {
  let syncs = 0;
  const agent = await startFakeAgent({
    handler: (req) => {
      if (req['execute'] !== 'guest-sync-delimited') return undefined;
      syncs++;
      // The first handshake is answered with a stale id (as if left over from earlier).
      if (syncs === 1) return { line: '\xff{"return": 5}\n' };
      return undefined;
    },
  });
  t.teardown(() => agent.close());
  const start = Date.now();
  const client = await QgaClient.connect(agent.address, { syncAttemptMs: 150 });
  t.teardown(() => client.close());
  t.ok(Date.now() - start >= 140, 'waited for a second attempt');
  t.equal(syncs, 2);
  const ids = agent.connections[0]!.received.filter((r): r is JsonObject => r !== '<FF>').map((r) => (r['arguments'] as JsonObject)['id']);
  t.not(ids[0], ids[1], 'each attempt uses a fresh random id');
  await client.ping();
});

t.test('an agent whose allow list refuses guest-sync-delimited: plain guest-sync is used', async (t) => {
  const disabled = (name: string) => ({
    error: { class: 'CommandNotFound', desc: `Command ${name} has been disabled: the command is not allowed` },
  });
  const agent = await startFakeAgent({
    handler: (req) => (req['execute'] === 'guest-sync-delimited' ? disabled('guest-sync-delimited') : undefined),
  });
  t.teardown(() => agent.close());
  const reasons: StrayReason[] = [];
  const client = await QgaClient.connect(agent.address, { onStray: (_l, r) => reasons.push(r) });
  t.teardown(() => client.close());
  t.equal(await client.hostname(), 'fake-guest');
  t.same(commands(agent.connections[0]!.received), ['<FF>', 'guest-sync-delimited', '<FF>', 'guest-sync', 'guest-get-host-name']);
  t.ok(reasons.includes('sync-refused'));

  const strict = await startFakeAgent({
    handler: (req) => (String(req['execute']).startsWith('guest-sync') ? disabled(String(req['execute'])) : undefined),
  });
  t.teardown(() => strict.close());
  const err = await QgaClient.connect(strict.address).catch((e: unknown) => e);
  t.type(err, QgaConnectionError);
  t.match((err as Error).message, /refuses guest-sync: Command guest-sync has been disabled/);
});

t.test('a timeout is followed by a resync; the late reply is never taken for a newer request', async (t) => {
  const agent = await startFakeAgent({
    handler: async (req) => {
      if (req['execute'] === 'slow-cmd') {
        await sleep(300);
        // No id on purpose: only order can tell what it answers.
        return { line: '{"return": "stale"}\n' };
      }
      if (req['execute'] === 'echo') return { return: (req['arguments'] as JsonObject)['v']! };
      return undefined;
    },
  });
  t.teardown(() => agent.close());
  const client = await QgaClient.connect(agent.address, { timeoutMs: 2000 });
  t.teardown(() => client.close());
  await t.rejects(client.execute('slow-cmd', undefined, { timeoutMs: 100 }), QgaTimeoutError);
  // Written while the agent is still busy with slow-cmd: must get its own reply.
  t.equal(await client.execute('echo', { v: 'fresh' }), 'fresh');
  t.equal(await client.execute('echo', { v: 'again' }), 'again');
  const seen = commands(agent.connections[0]!.received);
  t.same(
    seen,
    ['<FF>', 'guest-sync-delimited', 'slow-cmd', '<FF>', 'guest-sync-delimited', 'echo', 'echo'],
    'resynced before the next request',
  );
});

t.test('pipelined requests are matched to their own replies', async (t) => {
  const agent = await startFakeAgent({
    handler: async (req) => {
      if (req['execute'] !== 'echo') return undefined;
      const v = (req['arguments'] as JsonObject)['v'] as number;
      if (v % 7 === 0) await sleep(1);
      if (v % 10 === 3) return { error: { class: 'GenericError', desc: `no ${v}` } };
      return { return: v * 2 };
    },
  });
  t.teardown(() => agent.close());
  const client = await QgaClient.connect(agent.address);
  t.teardown(() => client.close());
  const results = await Promise.allSettled(Array.from({ length: 200 }, (_, v) => client.execute<number>('echo', { v })));
  results.forEach((r, v) => {
    if (v % 10 === 3) {
      if (r.status !== 'rejected' || !(r.reason instanceof QgaClientError) || r.reason.desc !== `no ${v}`) t.fail(`request ${v}`);
    } else if (r.status !== 'fulfilled' || r.value !== v * 2) t.fail(`request ${v}`);
  });
  t.pass('200 pipelined replies matched');
});

t.test('an error reply without id (e.g. a JSON limit) fails the head request and triggers a resync', async (t) => {
  const agent = await startFakeAgent({
    handler: (req) =>
      req['execute'] === 'guest-file-write'
        ? { line: '{"error": {"class": "GenericError", "desc": "JSON token size limit exceeded"}}\n' }
        : undefined,
  });
  t.teardown(() => agent.close());
  const client = await QgaClient.connect(agent.address);
  t.teardown(() => client.close());
  const err = await client.execute('guest-file-write', { handle: 1, 'buf-b64': 'AAAA' }).catch((e: unknown) => e);
  t.type(err, QgaClientError);
  t.equal((err as QgaClientError).desc, 'JSON token size limit exceeded');
  await client.ping();
  t.same(commands(agent.connections[0]!.received).slice(-3), ['<FF>', 'guest-sync-delimited', 'guest-ping']);
});

t.test('success-response:false commands: written, accepted, disconnect', async (t) => {
  const agent = await startFakeAgent({
    handler: (req, conn) => {
      const mode = (req['arguments'] as JsonObject | undefined)?.['mode'];
      if (req['execute'] === 'guest-shutdown' && mode === 'halt') {
        return { error: { class: 'GenericError', desc: 'child process has failed to shutdown: boom' } };
      }
      if (req['execute'] === 'guest-shutdown' && mode === 'reboot') {
        setTimeout(() => conn.socket.destroy(), 50);
        return { none: true };
      }
      return undefined;
    },
  });
  t.teardown(() => agent.close());
  const strays: Array<[StrayReason, string]> = [];
  const client = await QgaClient.connect(agent.address, { timeoutMs: 2000, onStray: (l, r) => strays.push([r, l]) });

  await client.shutdown('powerdown');
  t.pass('default: resolved once written');
  await client.shutdown('powerdown', { wait: 'accepted' });
  t.pass('accepted: resolved after the following sync');
  const err = await client.shutdown('halt', { wait: 'accepted' }).catch((e: unknown) => e);
  t.type(err, QgaClientError, 'accepted: the error reply rejects');
  t.equal((err as QgaClientError).desc, 'child process has failed to shutdown: boom');

  await client.shutdown('halt'); // written: resolves, the later error is reported as stray
  t.equal(await client.hostname(), 'fake-guest', 'later requests are unaffected by the unexpected error reply');
  t.ok(
    strays.some(([r, l]) => r === 'late-error' && l.includes('boom')),
    'the late error was reported',
  );

  await client.shutdown('reboot', { wait: 'disconnect' });
  t.pass('disconnect: resolved when the agent went away');
  t.equal(client.isOpen, false);
  await t.rejects(client.ping(), QgaConnectionError);
});

t.test('raw requests return every reply line they caused, verbatim', async (t) => {
  const agent = await startFakeAgent({
    handler: (req) => (req['execute'] === 'multi' ? { line: '{"return": 1}\n{"return":   2}\n' } : undefined),
  });
  t.teardown(() => agent.close());
  const client = await QgaClient.connect(agent.address, { timeoutMs: 300 });
  t.teardown(() => client.close());
  t.same(await client.executeRaw('{"execute":"multi"}'), ['{"return": 1}', '{"return":   2}']);
  t.same(await client.executeRaw('{"execute":"guest-shutdown"}'), [], 'no reply at all');
  t.same(await client.executeRaw('{"execute":"guest-ping","id":"x"}{"execute":"nope"}'), [
    '{"return": {}, "id": "x"}',
    '{"error": {"class": "CommandNotFound", "desc": "The command nope has not been found"}}',
  ]);
  // An unterminated request swallows the terminator: timeout, then the 0xFF resync recovers.
  await t.rejects(client.executeRaw('{"execute":"guest-ping"'), QgaTimeoutError);
  await client.ping();
  t.equal(await client.hostname(), 'fake-guest');
});

t.test('connection loss rejects pending requests', async (t) => {
  const agent = await startFakeAgent({
    handler: (req, conn) => {
      if (req['execute'] === 'die') conn.socket.destroy();
      return req['execute'] === 'guest-sync-delimited' ? undefined : { none: true };
    },
  });
  t.teardown(() => agent.close());
  const client = await QgaClient.connect(agent.address, {});
  const pending = client.execute('never-answered');
  await t.rejects(client.execute('die'), QgaConnectionError);
  await t.rejects(pending, QgaConnectionError);
});

t.test('a reply larger than maxReplyBytes closes the connection', async (t) => {
  const agent = await startFakeAgent({
    handler: (req) => (req['execute'] === 'huge' ? { line: `{"return": "${'A'.repeat(200_000)}"}\n` } : undefined),
  });
  t.teardown(() => agent.close());
  const client = await QgaClient.connect(agent.address, { maxReplyBytes: 100_000 });
  await t.rejects(client.execute('huge'), QgaProtocolError);
  t.equal(client.isOpen, false);
});

t.test('an agent that never answers: bounded handshake', async (t) => {
  const agent = await startFakeAgent({ handler: () => ({ none: true }) });
  t.teardown(() => agent.close());
  const start = Date.now();
  const err = await QgaClient.connect(agent.address, { timeoutMs: 300, syncAttemptMs: 100 }).catch((e: unknown) => e);
  t.type(err, QgaConnectionError);
  t.match((err as Error).message, /no answer to guest-sync-delimited/);
  t.ok(Date.now() - start < 5000, 'gave up in time, not hung');
  const syncs = commands(agent.connections[0]!.received).filter((c) => c === 'guest-sync-delimited').length;
  t.ok(syncs >= 2, `retried the handshake (${syncs} attempts)`);
});

t.test('request ids differ between connections and never repeat within one', async (t) => {
  const agent = await startFakeAgent();
  t.teardown(() => agent.close());
  const a = await QgaClient.connect(agent.address);
  const b = await QgaClient.connect(agent.address);
  await Promise.all([a.ping(), a.ping(), b.ping()]);
  await a.close();
  await b.close();
  const ids = agent.connections.flatMap((c) =>
    c.received.filter((r): r is JsonObject => r !== '<FF>' && r['execute'] === 'guest-ping').map((r) => r['id']),
  );
  t.equal(new Set(ids).size, 3);
});
