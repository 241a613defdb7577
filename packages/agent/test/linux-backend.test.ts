import t from 'tap';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { RawQgaClient } from './helpers/qga-socket.js';
import { run, start, tempDir } from './helpers/run-qga.js';

// The default backend on Linux, on this machine.
const args = (dir: string, ...extra: string[]): string[] => ['-m', 'unix-listen', '-p', join(dir, 'sock'), '-t', dir, ...extra];

t.test('linux is the default backend: -b help has no guest-get-devices (Windows-only)', async (t) => {
  const r = await run(['-b', 'help']);
  t.equal(r.code, 0, r.stderr);
  const names = r.stdout.trimEnd().split('\n');
  t.ok(names.includes('guest-get-osinfo'));
  t.notOk(names.includes('guest-get-devices'));
  t.same((await run(['--backend', 'linux', '-b', 'help'])).stdout, r.stdout);
});

t.test('the linux agent answers from this machine', async (t) => {
  const dir = tempDir(t);
  const agent = start(args(dir));
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  t.equal(await client.request({ execute: 'guest-get-host-name' }), `{"return": {"host-name": ${JSON.stringify(hostname())}}}`);
  t.match(await client.request({ execute: 'guest-network-get-interfaces' }), /"name": "lo"/);
  client.close();
  agent.child.kill('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('--exclude-interfaces reaches the linux backend', async (t) => {
  const dir = tempDir(t);
  const agent = start(args(dir, '--exclude-interfaces', 'l?'));
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  const reply = await client.request({ execute: 'guest-network-get-interfaces' });
  t.match(reply, /^\{"return": \[/);
  t.notMatch(reply, /"name": "lo"/);
  client.close();
  agent.child.kill('SIGTERM');
  t.equal((await agent.exited).code, 0);
});
