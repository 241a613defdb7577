import t from 'tap';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { haveQemuGa, startQemuGa } from './helpers/qemu-ga.js';
import { startFakeAgent } from './helpers/fake-agent.js';
import type { JsonObject } from '../src/json/json-value.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** A temp dir removed when the test ends. */
function tempDir(t: { teardown(fn: () => void): void }, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function cli(args: string[], options: { input?: Buffer | string; cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, ...options.env };
    if (!options.env?.['QGA_ADDRESS']) delete env['QGA_ADDRESS'];
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: options.cwd ?? process.cwd(), env, stdio: 'pipe' });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
    child.stdin.end(options.input ?? '');
  });
}

t.test('usage errors exit 1 without connecting', async (t) => {
  const r = await cli(['-a', 'unix:/nonexistent', 'frobnicate']);
  t.equal(r.code, 1);
  t.match(r.stderr, /unknown command 'frobnicate'/);
  t.equal((await cli(['-a', 'unix:/nonexistent', 'fsfreeze', 'melt'])).code, 1);
  t.equal((await cli(['-a', 'unix:/nonexistent', 'exec'])).code, 1);
  t.equal((await cli(['-a', 'unix:/nonexistent', 'put', '/nonexistent/local', '/tmp/x'])).code, 1);
  t.equal((await cli(['-a', 'tcp:nohost', 'ping'])).code, 1, 'a malformed address');
  const help = await cli(['--help']);
  t.equal(help.code, 0);
  t.match(help.stdout.toString(), /usage: qga-client/);
});

t.test('connection failure exits 3', async (t) => {
  const r = await cli(['-a', 'unix:/nonexistent/qga.sock', 'ping']);
  t.equal(r.code, 3);
  t.match(r.stderr, /^error: connection: .*ENOENT/);
});

t.test('shutdown and suspend against a fake agent', async (t) => {
  const agent = await startFakeAgent({
    handler: (req) =>
      req['execute'] === 'guest-suspend-disk'
        ? { error: { class: 'GenericError', desc: 'the requested suspend mode is not supported by the guest' } }
        : undefined,
  });
  t.teardown(() => agent.close());
  const ok = await cli(['-a', agent.address, 'shutdown', 'reboot']);
  t.equal(ok.code, 0, ok.stderr);
  const req = agent.connections[0]!.received.find((r): r is JsonObject => r !== '<FF>' && r['execute'] === 'guest-shutdown');
  t.same(req?.['arguments'], { mode: 'reboot' });
  const bad = await cli(['-a', agent.address, 'suspend', 'disk']);
  t.equal(bad.code, 2);
  t.equal(bad.stderr, 'error: GenericError: the requested suspend mode is not supported by the guest\n');
});

t.test('a command that never answers: exit 4 after --timeout', async (t) => {
  const agent = await startFakeAgent({ handler: (req) => (req['execute'] === 'guest-get-host-name' ? { none: true } : undefined) });
  t.teardown(() => agent.close());
  const start = Date.now();
  const r = await cli(['-a', agent.address, '--timeout', '0.3', 'hostname']);
  t.equal(r.code, 4);
  t.match(r.stderr, /^error: timeout: /);
  t.ok(Date.now() - start < 3000);
});

if (haveQemuGa()) {
  t.test('against qemu-ga', async (t) => {
    const agent = await startQemuGa();
    t.teardown(() => agent.stop());
    const a = ['-a', agent.address];

    t.test('ping, info, hostname, fsfreeze status, ifconfig, osinfo', async (t) => {
      const ping = await cli([...a, 'ping']);
      t.equal(ping.code, 0);
      t.match(ping.stdout.toString(), /^the agent at unix:.* answered in \d+\.\d ms\n$/, 'ping says so on success');
      const info = await cli([...a, 'info']);
      t.match(info.stdout.toString(), /^version: 7\.2\.\d+\ncommands: \d+ \(\d+ enabled\)\n/);
      t.match(info.stdout.toString(), /\n {2}guest-shutdown +enabled {2}no-success-response\n/);
      const infoJson = JSON.parse((await cli([...a, '--json', 'info'])).stdout.toString()) as { version: string };
      t.match(infoJson.version, /^7\.2\./);
      t.equal((await cli([...a, 'hostname'])).stdout.toString(), readFileSync('/proc/sys/kernel/hostname', 'utf8'));
      t.equal((await cli([...a, 'fsfreeze', 'status'])).stdout.toString(), 'thawed\n');
      t.match((await cli([...a, 'ifconfig'])).stdout.toString(), /^lo: hwaddr 00:00:00:00:00:00\n {4}inet 127\.0\.0\.1\/8\n/m);
      t.match((await cli([...a, 'osinfo'])).stdout.toString(), /^kernel-release: /m);
    });

    t.test('exec prints the output and exits with the program status', async (t) => {
      const r = await cli([...a, 'exec', '--', '/bin/sh', '-c', 'echo to-out; echo to-err >&2; exit 7']);
      t.equal(r.code, 7);
      t.equal(r.stdout.toString(), 'to-out\n');
      t.equal(r.stderr, 'to-err\n');
      const input = await cli([...a, 'exec', '--input-file', '-', '--env', 'X=1', '--', 'sh', '-c', 'cat; echo $X'], { input: 'piped\n' });
      t.equal(input.stdout.toString(), 'piped\n1\n');
      const sig = await cli([...a, 'exec', '/bin/sh', '-c', 'kill -TERM $$']);
      t.equal(sig.code, 128 + 15, 'a signal maps to 128+N');
      const nocap = await cli([...a, 'exec', '--no-capture', '--', '/bin/echo', 'hidden']);
      t.equal(nocap.code, 0);
      t.equal(nocap.stdout.length, 0);
    });

    t.test('put then cat: binary round trip', async (t) => {
      const local = join(agent.dir, 'local.bin');
      const remote = join(agent.dir, 'remote.bin');
      const data = randomBytes(300_000);
      writeFileSync(local, data);
      const put = await cli([...a, 'put', local, remote]);
      t.equal(put.code, 0, put.stderr);
      t.ok(readFileSync(remote).equals(data));
      const cat = await cli([...a, 'cat', remote]);
      t.ok(cat.stdout.equals(data));
      const fromStdin = await cli([...a, 'put', '-', remote], { input: 'from stdin' });
      t.equal(fromStdin.code, 0);
      t.equal(readFileSync(remote, 'utf8'), 'from stdin');
    });

    t.test('raw prints reply lines exactly as received', async (t) => {
      const r = await cli([...a, 'raw', '{"execute":"guest-sync","arguments":{"id":4611686018427387905},"id":[1,"x"]}']);
      t.equal(r.stdout.toString(), '{"return": 4611686018427387905, "id": [1, "x"]}\n');
      const fromStdin = await cli([...a, 'raw', '-'], { input: '{"execute":"guest-ping"}\n{"execute":"nope"}' });
      t.equal(
        fromStdin.stdout.toString(),
        '{"return": {}}\n{"error": {"class": "CommandNotFound", "desc": "The command nope has not been found"}}\n',
      );
      t.equal(fromStdin.code, 2, 'an error reply among them: exit 2');
      const ok = await cli([...a, 'raw', '{"execute":"guest-ping"}']);
      t.equal(ok.code, 0);
      const started = Date.now();
      const incomplete = await cli([...a, '-t', '30', 'raw', '{"execute":"guest-ping", "arguments": {"x": "a}']);
      t.equal(incomplete.code, 1);
      t.match(incomplete.stderr, /the request is incomplete: a string is not closed/);
      t.ok(Date.now() - started < 20_000, 'fails at once instead of waiting for the 30 s timeout');
    });

    t.test('--json prints errors as JSON; --version', async (t) => {
      const unknown = await cli([...a, '--json', 'call', 'guest-nonexistent']);
      t.equal(unknown.code, 2);
      t.same(JSON.parse(unknown.stdout.toString()), {
        error: { kind: 'agent', class: 'CommandNotFound', desc: 'The command guest-nonexistent has not been found', 'exit-status': 2 },
      });
      const usage = await cli([...a, '--json', 'frobnicate']);
      t.same(JSON.parse(usage.stdout.toString()), { error: { kind: 'usage', desc: "unknown command 'frobnicate'", 'exit-status': 1 } });
      const version = await cli(['--version']);
      t.equal(version.code, 0);
      t.match(version.stdout.toString(), /^qga-client \d+\.\d+\.\d+\n$/);
    });

    t.test('agent errors exit 2 with the class', async (t) => {
      const unknown = await cli([...a, 'call', 'guest-nonexistent']);
      t.equal(unknown.code, 2);
      t.equal(unknown.stderr, 'error: CommandNotFound: The command guest-nonexistent has not been found\n');
      const cat = await cli([...a, 'cat', '/nonexistent/file']);
      t.equal(cat.code, 2);
      t.equal(cat.stderr, "error: GenericError: failed to open file '/nonexistent/file' (mode: 'r'): No such file or directory\n");
      const call = await cli([...a, 'call', 'guest-sync', '{"id": 9223372036854775807}']);
      t.equal(call.stdout.toString(), '9223372036854775807\n', 'call prints the return value losslessly');
    });

    t.test('default address ./run/qga.sock and $QGA_ADDRESS', async (t) => {
      const cwd = tempDir(t, 'qga-cwd-');
      const envRun = await cli(['ping'], { cwd, env: { QGA_ADDRESS: agent.address } });
      t.equal(envRun.code, 0, envRun.stderr);
      const noAgent = await cli(['ping'], { cwd });
      t.equal(noAgent.code, 3);
      t.match(noAgent.stderr, /run\/qga\.sock/);
    });
  });

  t.test('default address: an agent listening on ./run/qga.sock', async (t) => {
    const cwd = tempDir(t, 'qga-cwd-');
    mkdirSync(join(cwd, 'run'));
    const agent = await startQemuGa({ dir: join(cwd, 'run'), socketPath: join(cwd, 'run', 'qga.sock') });
    t.teardown(() => agent.stop());
    const r = await cli(['ping'], { cwd });
    t.equal(r.code, 0, r.stderr);
  });

  t.test('--wait: the agent may appear after the client starts', async (t) => {
    const dir = tempDir(t, 'qga-late-');
    const socketPath = join(dir, 'sock');
    const running = cli(['-a', socketPath, '--wait', '5', 'ping']);
    await new Promise((r) => setTimeout(r, 500));
    const agent = await startQemuGa({ dir, socketPath });
    t.teardown(() => agent.stop());
    const r = await running;
    t.equal(r.code, 0, r.stderr);
  });
}
