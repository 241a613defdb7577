import t, { type Test } from 'tap';
import { existsSync, lstatSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { join } from 'node:path';
import { RawQgaClient } from './helpers/qga-socket.js';
import { agentArgs, BUNDLE, ensureBundle, run, start, tempDir, type Running } from './helpers/run-qga.js';
import { isAlive } from '../src/service/pidfile.js';

// The rough edges a first user met, each through the bundle as `npm start` runs it.
ensureBundle();
const bundled = { program: BUNDLE };

t.test('a second qga on a live agent socket refuses, and the first keeps its socket', async (t) => {
  const dir = tempDir(t);
  const sock = join(dir, 'sock');
  const first = start(agentArgs(dir), bundled);
  t.teardown(() => first.child.kill('SIGKILL'));
  const client = await RawQgaClient.connect(sock);
  const inode = lstatSync(sock).ino;

  const second = await run(agentArgs(dir), bundled);
  t.equal(second.code, 1, 'exit 1');
  t.match(second.stderr, `unix-listen: ${sock} is in use`);
  t.equal(second.stderr.trim().split('\n').length, 1, `one line: ${second.stderr}`);
  t.equal(lstatSync(sock).ino, inode, 'the socket file is the first agent’s still');
  t.equal(await client.request({ execute: 'guest-ping' }), '{"return": {}}', 'the first agent still answers');
  const again = await RawQgaClient.connect(sock);
  t.equal(await again.request({ execute: 'guest-ping' }), '{"return": {}}', 'and still accepts new clients');
  again.close();
  client.close();
  first.child.kill('SIGTERM');
  t.equal((await first.exited).code, 0);
});

t.test('a stale socket file (nobody listens) is replaced', async (t) => {
  const dir = tempDir(t);
  const sock = join(dir, 'sock');
  // A socket file whose process is gone: a listener killed with SIGKILL leaves it behind.
  const listener = spawn(
    process.execPath,
    ['-e', `require('net').createServer().listen(${JSON.stringify(sock)}, () => console.log('up'))`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await once(listener.stdout, 'data');
  listener.kill('SIGKILL');
  await once(listener, 'exit');
  t.ok(lstatSync(sock).isSocket(), 'a dead socket file is at the path');

  const agent = start(agentArgs(dir), bundled);
  t.teardown(() => agent.child.kill('SIGKILL'));
  const client = await RawQgaClient.connect(sock);
  t.equal(await client.request({ execute: 'guest-ping' }), '{"return": {}}');
  client.close();
  agent.child.kill('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.notOk(existsSync(sock));
});

/** The startup failure: exit 1 and exactly one line on stderr. */
async function failsWithOneLine(t: Test, args: string[]): Promise<string> {
  const r = await Promise.race([run(args, bundled), sleep(60_000, undefined, { ref: false }).then(() => undefined)]);
  if (!r) throw new Error(`qga ${args.join(' ')} still running after 60 s`);
  t.equal(r.code, 1, `exit 1: ${args.join(' ')}`);
  const lines = r.stderr.trimEnd().split('\n');
  t.equal(lines.length, 1, `one line: ${r.stderr}`);
  return lines[0]!;
}

t.test('-t /proc/nope fails at once with the state directory named', async (t) => {
  const dir = tempDir(t);
  const line = await failsWithOneLine(t, ['--backend', 'mock', '-m', 'unix-listen', '-p', join(dir, 'sock'), '-t', '/proc/nope']);
  t.equal(line, 'qga: unable to create state directory /proc/nope: No such file or directory');
  t.notOk(existsSync(join(dir, 'sock')), 'no socket left behind');
});

t.test('a missing state directory is still created, 0700 with parents', async (t) => {
  const dir = tempDir(t);
  const state = join(dir, 'a', 'b');
  const agent = start(['--backend', 'mock', '-m', 'unix-listen', '-p', join(dir, 'sock'), '-t', state], bundled);
  t.teardown(() => agent.child.kill('SIGKILL'));
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  t.equal(await client.request({ execute: 'guest-ping' }), '{"return": {}}');
  client.close();
  t.equal(statSync(state).mode & 0o777, 0o700);
  t.equal(statSync(join(dir, 'a')).mode & 0o777, 0o700);
  agent.child.kill('SIGTERM');
  await agent.exited;
});

t.test('startup failures: one line naming the path the user gave, no internals', async (t) => {
  const dir = tempDir(t);
  const sockLine = await failsWithOneLine(t, ['--backend', 'mock', '-m', 'unix-listen', '-p', '/nonexistent/dir/d.sock', '-t', dir]);
  t.equal(
    sockLine,
    'qga: failed to initialize guest agent channel: unix-listen: cannot listen on /nonexistent/dir/d.sock: No such file or directory',
  );

  const virtio = await failsWithOneLine(t, ['--backend', 'mock', '-m', 'virtio-serial', '-p', join(dir, 'no-port'), '-t', dir]);
  t.match(virtio, `qga: failed to initialize guest agent channel: `);
  t.match(virtio, join(dir, 'no-port'));

  const plain = join(dir, 'plain-file');
  writeFileSync(plain, '');
  const isa = await failsWithOneLine(t, ['--backend', 'mock', '-m', 'isa-serial', '-p', plain, '-t', dir]);
  t.match(isa, `qga: failed to initialize guest agent channel: ${plain}: `);
  t.match(isa, /Inappropriate ioctl for device/);
  for (const line of [sockLine, virtio, isa]) {
    t.notMatch(line, /XXXXXX|mkdtemp|\/proc\/|stty|\n/, line);
  }
});

t.test('-b/-a: unknown names and an allow list without guest-sync are warned about, and the agent still starts', async (t) => {
  const dir = tempDir(t);
  const agent = start(agentArgs(dir, '-b', 'guest-pnig,guest-ping', '-a', 'guest-info,guest-shutdwn'), bundled);
  t.teardown(() => agent.child.kill('SIGKILL'));
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  t.match(await client.request({ execute: 'guest-info' }), /^\{"return": \{"version"/, 'started, as qemu-ga does');
  t.equal(
    await client.request({ execute: 'guest-sync', arguments: { id: 1 } }),
    '{"error": {"class": "CommandNotFound", "desc": "Command guest-sync has been disabled: the command is not allowed"}}',
    'the lock-out the warning is about',
  );
  client.close();
  agent.child.kill('SIGTERM');
  const { stderr, code } = await agent.exited;
  t.equal(code, 0);
  t.equal(
    stderr,
    [
      "qga: warning: -b/block-rpcs: unknown command 'guest-pnig' ignored (see '-b help' for the list)",
      "qga: warning: -a/allow-rpcs: unknown command 'guest-shutdwn' ignored (see '-b help' for the list)",
      'qga: warning: -a/allow-rpcs: allows neither guest-sync nor guest-sync-delimited; hosts that synchronize first (libvirt, qemu-ga clients) will get no answer',
      '',
    ].join('\n'),
  );
});

t.test('-b/-a with known names and guest-sync-delimited allowed: no warning', async (t) => {
  const dir = tempDir(t);
  const agent = start(agentArgs(dir, '-b', 'guest-ping', '-a', 'guest-sync-delimited,guest-info'), bundled);
  t.teardown(() => agent.child.kill('SIGKILL'));
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  t.match(await client.request({ execute: 'guest-info' }), /^\{"return"/);
  client.close();
  agent.child.kill('SIGTERM');
  t.equal((await agent.exited).stderr, '');
});

t.test('pidfile= in the config file: used in daemon mode only, as qemu-ga (-f on the command line works in the foreground)', async (t) => {
  const dir = tempDir(t);
  const pidfile = join(dir, 'qga.pid');
  const conf = join(dir, 'qga.conf');
  writeFileSync(conf, `[general]\npidfile=${pidfile}\n`);

  const foreground = start([...agentArgs(dir), '-c', conf], bundled);
  t.teardown(() => foreground.child.kill('SIGKILL'));
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  t.equal(await client.request({ execute: 'guest-ping' }), '{"return": {}}');
  t.notOk(existsSync(pidfile), 'foreground: the config key writes no pidfile');
  client.close();
  foreground.child.kill('SIGTERM');
  t.equal((await foreground.exited).code, 0);

  const daemonConf = join(dir, 'daemon.conf');
  writeFileSync(daemonConf, `[general]\ndaemon=true\npidfile=${pidfile}\n`);
  const parent = await run([...agentArgs(dir), '-c', daemonConf], bundled);
  t.equal(parent.code, 0, parent.stderr);
  const pid = Number(readFileSync(pidfile, 'utf8'));
  t.teardown(() => isAlive(pid) && process.kill(pid, 'SIGKILL'));
  t.ok(isAlive(pid), 'daemon mode: the config key writes the daemon’s pid');
  const second = await run([...agentArgs(dir), '-c', daemonConf, '-p', join(dir, 'sock2')], bundled);
  t.equal(second.code, 1, 'and locks it against a second daemon');
  t.match(second.stderr, pidfile);
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 500 && isAlive(pid); i++) await sleep(20);
  t.notOk(existsSync(pidfile), 'removed when the daemon stops');

  const explicit = start(agentArgs(dir, '-f', pidfile), bundled);
  t.teardown(() => explicit.child.kill('SIGKILL'));
  const c2 = await RawQgaClient.connect(join(dir, 'sock'));
  t.equal(readFileSync(pidfile, 'utf8'), `${explicit.pid}\n`, 'foreground with -f: written');
  c2.close();
  explicit.child.kill('SIGTERM');
  await explicit.exited;
});

/** `npm start` (scripts/start.mjs) without its npm ci/build step: the tests have built already. */
const START = fileURLToPath(new URL('../../../../scripts/start.mjs', import.meta.url));
function npmStart(args: string[]): Running {
  return start(args, { program: START, env: { QGA_START_SKIP_BUILD: '1' } });
}

t.test('npm start: an agent that fails at once prints its error, no "listening", and a non-zero status', async (t) => {
  const dir = tempDir(t);
  const r = await npmStart(['-p', join(dir, 'sock'), '-t', dir, '--backend', 'windows']).exited;
  t.equal(r.code, 1);
  t.notMatch(r.stdout, /listening|talk to it/);
  t.match(r.stderr, /^qga: .*windows/im, 'the agent’s own error');
});

t.test('npm start: "listening" is printed once the socket accepts connections', async (t) => {
  const dir = tempDir(t);
  const sock = join(dir, 'sock');
  const agent = npmStart(['-p', sock, '-t', dir, '--backend', 'mock']);
  t.teardown(() => agent.child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (agent.output().stdout.includes('talk to it from another terminal')) resolve();
    };
    agent.child.stdout?.on('data', check);
    void agent.exited.then((r) => reject(new Error(`npm start exited: ${r.stderr}`)));
  });
  // At the moment the hint is printed, a client gets in on the first try (no retry).
  const socket = connect(sock);
  await once(socket, 'connect');
  socket.destroy();
  t.match(agent.output().stdout, `qga: listening on unix-listen:${sock}\n`);
  // The rest of the hint may come in a later chunk of the pipe.
  for (let waited = 0; !agent.output().stdout.includes('UNIX-CONNECT') && waited < 10_000; waited += 50) await sleep(50);
  t.match(agent.output().stdout, `UNIX-CONNECT:${sock}`);
  agent.child.kill('SIGTERM');
  t.equal((await agent.exited).code, 0);
});
