// koffi serves two backends: @qga/native-linux (libc on Linux) and the windows
// backend (Win32 DLLs, loaded lazily on win32 only). The Linux agent may load
// koffi for libc, never a Windows library; the windows backend on Linux
// refuses without loading koffi at all.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { BUNDLE, ensureBundle, fixture, run, start, tempDir } from './helpers/run-qga.js';

const TRIPWIRE = fixture('koffi-tripwire.mjs');
const env = (file: string): Record<string, string> => ({ NODE_OPTIONS: `--import=${TRIPWIRE}`, QGA_KOFFI_TRIPWIRE: file });
const loads = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');

t.test('the tripwire sees koffi loaded by require and by import (so it can fail)', async (t) => {
  const file = join(tempDir(t), 'loads');
  const opts = { env: { ...process.env, ...env(file) }, cwd: process.cwd(), stdio: 'ignore' as const };
  execFileSync(process.execPath, ['-e', "require('koffi')"], opts);
  execFileSync(process.execPath, ['--input-type=module', '-e', "await import('koffi')"], opts);
  t.match(loads(file), /require koffi\n[^]*import koffi\n/);
});

t.test('the Linux agent answers commands loading no Windows library through koffi', async (t) => {
  ensureBundle();
  const dir = tempDir(t);
  const file = join(dir, 'loads');
  const agent = start(['--backend', 'linux', '-m', 'tcp-listen', '-p', '127.0.0.1:0', '-t', dir, '-v'], {
    program: BUNDLE,
    env: env(file),
  });
  let port = 0;
  for (let i = 0; i < 1000 && port === 0; i++) {
    const m = /tcp-listen: listening on 127\.0\.0\.1:(\d+)/.exec(agent.output().stderr);
    if (m) port = Number(m[1]);
    else await sleep(10);
  }
  t.not(port, 0, 'the agent listens');
  const commands = [
    'guest-info',
    'guest-get-osinfo',
    'guest-get-host-name',
    'guest-network-get-interfaces',
    'guest-get-fsinfo',
    'guest-get-vcpus',
  ];
  const socket = connect(port, '127.0.0.1');
  let data = '';
  socket.setEncoding('utf8').on('data', (d: string) => (data += d));
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(commands.map((c) => `{"execute":"${c}"}\n`).join(''));
  for (let i = 0; i < 1000 && data.split('\n').length <= commands.length; i++) await sleep(10);
  socket.destroy();
  const replies = data.split('\n').filter((l) => l !== '');
  t.equal(replies.length, commands.length, 'every command answered');
  replies.forEach((r, i) => t.match(r, /^\{"return": /, `${commands[i]} returned`));
  agent.child.kill('SIGTERM');
  t.equal((await agent.exited).code, 0);
  const libraries = loads(file)
    .split('\n')
    .filter((l) => l.startsWith('library '));
  t.ok(libraries.length > 0, `koffi loaded ${libraries.length} library(ies) for the Linux native layer`);
  t.same(
    libraries.filter((l) => !/^library (libc\.so(\.6)?|\/lib\/ld-musl-\w+\.so\.1)$/.test(l)),
    [],
    'only libc, never a Windows DLL',
  );
});

t.test('--backend windows on Linux refuses without loading koffi', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'loads');
  const result = await run(['--backend', 'windows', '-m', 'tcp-listen', '-p', '127.0.0.1:0', '-t', dir], { env: env(file) });
  t.equal(result.code, 1);
  t.match(result.stderr, /only runs on Windows/);
  t.equal(loads(file), '', 'koffi was never loaded');
});
