import t from 'tap';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QgaClient } from '../src/client/qga-client.js';
import { QgaClientError } from '../src/errors/qga-client-error.js';
import { QgaConnectionError } from '../src/errors/qga-connection-error.js';
import { QgaTimeoutError } from '../src/errors/qga-timeout-error.js';
import type { StrayReason } from '../src/session/qga-session.js';
import { haveQemuGa, startQemuGa } from './helpers/qemu-ga.js';

// Tests against Debian's real qemu-ga 7.2, the agent this client must work with.
// Never call guest-shutdown, guest-suspend-*, fsfreeze freeze, fstrim or set-time here:
// qemu-ga runs as root on this very machine.

if (!haveQemuGa()) {
  t.plan(0, 'qemu-ga is not installed');
} else {
  t.test('handshake: the error reply our 0xFF causes is skipped', async (t) => {
    const agent = await startQemuGa();
    t.teardown(() => agent.stop());
    const strays: Array<[StrayReason, string]> = [];
    const client = await QgaClient.connect(agent.address, { onStray: (line, reason) => strays.push([reason, line]) });
    t.teardown(() => client.close());
    t.same(strays, [['before-sync', `{"error": {"class": "GenericError", "desc": "JSON parse error, stray '\\uFFFD'"}}`]]);
    await client.ping();
    t.equal(strays.length, 1, 'nothing stray afterwards');
  });

  t.test('commands against qemu-ga', async (t) => {
    const agent = await startQemuGa();
    t.teardown(() => agent.stop());
    const client = await QgaClient.connect(agent.address);
    t.teardown(() => client.close());

    t.test('ping and info', async (t) => {
      await client.ping();
      const info = await client.info();
      t.match(info.version, /^7\.2\./);
      const byName = new Map(info.supported_commands.map((c) => [c.name, c]));
      t.same(byName.get('guest-ping'), { enabled: true, name: 'guest-ping', 'success-response': true });
      t.equal(byName.get('guest-shutdown')?.['success-response'], false);
    });

    t.test('exec: stdout, stderr, exit code, stdin, env, signal', async (t) => {
      const r = await client.exec('/bin/sh', ['-c', 'printf out; printf err >&2; exit 3']);
      t.equal(r.exitcode, 3);
      t.equal(r.stdout.toString(), 'out');
      t.equal(r.stderr.toString(), 'err');
      const bin = randomBytes(3000);
      const cat = await client.exec('/bin/cat', [], { input: bin });
      t.ok(cat.stdout.equals(bin), 'binary stdin comes back through stdout');
      t.equal(cat.exitcode, 0);
      const env = await client.exec('/usr/bin/env', [], { env: { ONLY: 'this one' } });
      t.equal(env.stdout.toString(), 'ONLY=this one\n', 'env replaces the environment');
      const killed = await client.exec('/bin/sh', ['-c', 'kill -9 $$']);
      t.equal(killed.signal, 9);
      t.equal(killed.exitcode, undefined);
      const quiet = await client.exec('/bin/sh', ['-c', 'echo hidden'], { capture: false });
      t.equal(quiet.stdout.length, 0);
      const missing = await client.exec('/nonexistent/prog').catch((e: unknown) => e);
      t.type(missing, QgaClientError);
      t.equal((missing as QgaClientError).errorClass, 'GenericError');
    });

    t.test('file write + read round trip, 1 MiB of random bytes', async (t) => {
      const path = join(agent.dir, 'blob.bin');
      const data = randomBytes(1024 * 1024);
      t.equal(await client.writeFile(path, data), data.length);
      t.ok(readFileSync(path).equals(data), 'the guest file holds exactly the bytes');
      t.ok((await client.readFile(path)).equals(data), 'and reads back the same');
      // Odd chunk sizes, deeper pipelines, a streamed source.
      const odd = randomBytes(777_777);
      async function* pieces() {
        for (let i = 0; i < odd.length; i += 50_001) yield odd.subarray(i, i + 50_001);
      }
      await client.writeFile(path, pieces(), { chunkSize: 100_003, pipelineDepth: 4 });
      t.ok(readFileSync(path).equals(odd));
      t.ok((await client.readFile(path, { chunkSize: 65_537, pipelineDepth: 3 })).equals(odd));
      await client.writeFile(path, Buffer.alloc(0));
      t.equal(readFileSync(path).length, 0, 'an empty write truncates');
      t.equal((await client.readFile(path)).length, 0);
    });

    t.test('stopping a streamed read early still closes the guest handle', async (t) => {
      const path = join(agent.dir, 'stream.bin');
      writeFileSync(path, randomBytes(300_000));
      const before = await client.execute<number>('guest-file-open', { path });
      await client.execute('guest-file-close', { handle: before });
      let chunks = 0;
      for await (const chunk of client.readFileChunks(path, { chunkSize: 100_000 })) {
        t.equal(chunk.length, 100_000);
        chunks++;
        break;
      }
      t.equal(chunks, 1);
      // Handles count up by one per open, so the streamed read used before + 1.
      const err = await client.execute('guest-file-close', { handle: before + 1 }).catch((e: unknown) => e);
      t.type(err, QgaClientError);
      t.equal((err as QgaClientError).desc, `handle '${before + 1}' has not been found`);
    });

    t.test('exec waits are bounded', async (t) => {
      const start = Date.now();
      const err = await client.exec('/bin/sleep', ['3'], { waitTimeoutMs: 300 }).catch((e: unknown) => e);
      t.type(err, QgaTimeoutError);
      t.ok(Date.now() - start < 2000);
      await client.ping();
    });

    t.test('file errors carry the class and desc', async (t) => {
      const err = await client.readFile('/nonexistent/x').catch((e: unknown) => e);
      t.type(err, QgaClientError);
      t.equal((err as QgaClientError).errorClass, 'GenericError');
      t.equal((err as QgaClientError).desc, "failed to open file '/nonexistent/x' (mode: 'r'): No such file or directory");
    });

    t.test('fsfreeze status, interfaces, hostname, osinfo, time', async (t) => {
      t.equal(await client.fsfreeze('status'), 'thawed');
      const nics = await client.interfaces();
      const lo = nics.find((n) => n.name === 'lo');
      t.ok(lo?.['ip-addresses']?.some((a) => a['ip-address'] === '127.0.0.1' && a.prefix === 8));
      t.equal(await client.hostname(), readFileSync('/proc/sys/kernel/hostname', 'utf8').trim());
      t.equal((await client.osinfo())['kernel-release'], readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
      const ns = await client.time();
      t.type(ns, 'bigint');
      t.ok(ns > 2n ** 53n);
      t.ok(Math.abs(Number(ns / 1_000_000n) - Date.now()) < 5000, 'close to the host clock');
    });

    t.test('unknown command: CommandNotFound', async (t) => {
      const err = await client.execute('guest-nonexistent').catch((e: unknown) => e);
      t.type(err, QgaClientError);
      t.equal((err as QgaClientError).errorClass, 'CommandNotFound');
      t.equal((err as QgaClientError).desc, 'The command guest-nonexistent has not been found');
      const bad = await client.execute('guest-ping', { foo: 42 }).catch((e: unknown) => e);
      t.equal((bad as QgaClientError).desc, "Parameter 'foo' is unexpected");
    });

    t.test('raw JSON and int64 ids survive exactly', async (t) => {
      t.same(await client.executeRaw('{"execute":"guest-ping","id":"abc"}'), ['{"return": {}, "id": "abc"}']);
      const big = 2n ** 62n + 1n;
      t.same(await client.executeRaw(`{"execute":"guest-sync","arguments":{"id":${big}}}`), [`{"return": ${big}}`]);
      t.equal(await client.execute('guest-sync', { id: big }), big);
      t.equal(await client.execute('guest-sync', { id: -(2n ** 63n) }), -(2n ** 63n));
      t.equal(await client.execute('guest-sync-delimited', { id: 5 }), 5, "a caller's own delimited sync works too");
      t.same(
        await client.executeRaw('{"execute":"guest-sync-delimited","arguments":{"id":6}}'),
        ['{"return": 6}'],
        'raw: the 0xFF marker is not part of the line',
      );
      t.same(await client.executeRaw("{'execute':'guest-ping'} [1]"), [
        '{"return": {}}',
        '{"error": {"class": "GenericError", "desc": "QMP input must be a JSON object"}}',
      ]);
    });

    t.test('pipelined requests of different kinds', async (t) => {
      const results = await Promise.all([
        client.ping(),
        client.hostname(),
        client.execute('guest-sync', { id: 7 }),
        client.fsfreeze('status'),
      ]);
      t.same(results.slice(1), [readFileSync('/proc/sys/kernel/hostname', 'utf8').trim(), 7, 'thawed']);
    });
  });

  t.test('a partial request left by the previous client is flushed by the 0xFF', async (t) => {
    const agent = await startQemuGa();
    t.teardown(() => agent.stop());
    await new Promise<void>((resolve, reject) => {
      const s = net.createConnection(agent.socketPath, () => s.end('{"execute": "guest-sync", "arguments": {"id": 1'));
      s.on('close', () => resolve());
      s.on('error', reject);
    });
    const strays: string[] = [];
    const client = await QgaClient.connect(agent.address, { onStray: (line) => strays.push(line) });
    t.teardown(() => client.close());
    t.equal(await client.execute('guest-sync', { id: 99 }), 99);
    t.equal(strays.length, 1, 'exactly one error reply (for the cut-off request) was skipped');
    t.match(strays[0], /JSON parse error/);
  });

  t.test('connect retries until the socket appears', async (t) => {
    // A stopped agent leaves its socket file behind (connect is refused) or none at all (ENOENT): both are retried.
    const dir = mkdtempSync(join(tmpdir(), 'qga-real-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const agent0 = await startQemuGa({ dir });
    await agent0.stop();
    const start = Date.now();
    const connecting = QgaClient.connect(agent0.address, { readyTimeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 400));
    const agent = await startQemuGa({ dir: agent0.dir, socketPath: agent0.socketPath });
    t.teardown(() => agent.stop());
    const client = await connecting;
    t.teardown(() => client.close());
    t.ok(Date.now() - start >= 400, 'connected only once the agent was there');
    await client.ping();
  });

  t.test('without readyTimeoutMs a missing socket fails at once', async (t) => {
    const start = Date.now();
    const err = await QgaClient.connect('unix:/nonexistent/qga.sock').catch((e: unknown) => e);
    t.type(err, QgaConnectionError);
    t.match((err as Error).message, /ENOENT/);
    t.ok(Date.now() - start < 1000);
    const waited = await QgaClient.connect('unix:/nonexistent/qga.sock', { readyTimeoutMs: 300 }).catch((e: unknown) => e);
    t.type(waited, QgaConnectionError, 'and with a deadline it gives up at the deadline');
    t.ok(Date.now() - start < 2000);
  });

  t.test('qemu-ga serves one client at a time: the second waits its turn', async (t) => {
    const agent = await startQemuGa();
    t.teardown(() => agent.stop());
    const first = await QgaClient.connect(agent.address);
    const refused = await QgaClient.connect(agent.address, { timeoutMs: 300 }).catch((e: unknown) => e);
    t.type(refused, QgaConnectionError, 'a short handshake budget runs out while the first client holds the agent');
    setTimeout(() => void first.close(), 300);
    const second = await QgaClient.connect(agent.address, { readyTimeoutMs: 4000 });
    t.teardown(() => second.close());
    await second.ping();
  });

  t.test('a file written through a stale handle is still readable (handles survive reconnects)', async (t) => {
    const agent = await startQemuGa();
    t.teardown(() => agent.stop());
    const path = join(agent.dir, 'h.txt');
    writeFileSync(path, 'hello');
    const a = await QgaClient.connect(agent.address);
    const handle = await a.execute<number>('guest-file-open', { path });
    await a.close();
    const b = await QgaClient.connect(agent.address);
    t.teardown(() => b.close());
    const r = await b.execute<{ count: number; 'buf-b64': string }>('guest-file-read', { handle });
    t.equal(Buffer.from(r['buf-b64'], 'base64').toString(), 'hello');
    await b.execute('guest-file-close', { handle });
  });
}
