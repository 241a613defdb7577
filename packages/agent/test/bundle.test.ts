import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RawQgaClient } from './helpers/qga-socket.js';
import { agentArgs, BUNDLE, ensureBundle, run, start, tempDir } from './helpers/run-qga.js';
import { isAlive } from '../src/service/pidfile.js';

// The bundle is made from the tsc output; rebuild it when that is newer (as `npm run build` does).
ensureBundle();

t.test('the bundle is one executable ESM file starting with a node shebang', async (t) => {
  const text = readFileSync(BUNDLE, 'utf8');
  t.ok(text.startsWith('#!/usr/bin/env node\n'));
  t.ok(statSync(BUNDLE).mode & 0o100, 'executable');
  t.notMatch(text, /from ['"]@qga\//, 'no imports of workspace packages left');
  t.notMatch(text, /from ['"](rxjs|inversify)['"]/, 'dependencies inlined');
});

t.test('the bundle runs directly: -V, -h and -b help as the unbundled program', async (t) => {
  for (const args of [['-V'], ['-h'], ['--backend', 'mock', '-b', 'help'], ['-D', '-m', 'unix-listen', '-p', '/x']]) {
    const bundled = execFileSync(BUNDLE, args, { encoding: 'utf8', env: { ...process.env, QGA_CONF: '/nonexistent' } });
    const plain = await run(args);
    t.equal(bundled, plain.stdout, args.join(' '));
  }
});

t.test('the bundle serves guest-ping and stops on SIGTERM', async (t) => {
  const dir = tempDir(t);
  const agent = start(agentArgs(dir), { program: BUNDLE });
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  t.equal(await client.request({ execute: 'guest-ping' }), '{"return": {}}');
  t.match(await client.request({ execute: 'guest-info' }), /^\{"return": \{"version": "10\.2\.50", "supported_commands": \[/);
  client.close();
  agent.child.kill('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.notOk(existsSync(join(dir, 'sock')));
});

t.test('the bundle serves with the linux backend, which it imports only when chosen', async (t) => {
  const dir = tempDir(t);
  const agent = start(['--backend', 'linux', '-m', 'unix-listen', '-p', join(dir, 'sock'), '-t', dir], { program: BUNDLE });
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  t.equal(await client.request({ execute: 'guest-ping' }), '{"return": {}}');
  t.equal(
    await client.request({ execute: 'guest-get-host-name' }),
    JSON.stringify({ return: { 'host-name': hostname() } }).replace(/:/g, ': '),
  );
  client.close();
  agent.child.kill('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('the bundle daemonizes (it re-runs itself)', async (t) => {
  const dir = tempDir(t);
  const pidfile = join(dir, 'qga.pid');
  const parent = await run(agentArgs(dir, '-d', '-f', pidfile), { program: BUNDLE });
  t.equal(parent.code, 0, parent.stderr);
  const pid = Number(readFileSync(pidfile, 'utf8'));
  const client = await RawQgaClient.connect(join(dir, 'sock'), 2_000);
  t.equal(await client.request({ execute: 'guest-ping' }), '{"return": {}}');
  client.close();
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 500 && isAlive(pid); i++) await sleep(20);
  t.notOk(isAlive(pid));
  t.notOk(existsSync(pidfile));
});
