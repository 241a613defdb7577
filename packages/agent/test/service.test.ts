import t from 'tap';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RawQgaClient } from './helpers/qga-socket.js';
import { agentArgs, BUNDLE, ensureBundle, run, start, tempDir } from './helpers/run-qga.js';
import { openPtyDevice } from './helpers/pty-device.js';
import { isAlive } from '../src/service/pidfile.js';

async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const PING_REPLY = '{"return": {}}';

t.test('foreground: answers guest-ping; SIGTERM, SIGINT and SIGHUP stop it with status 0 and remove the socket', async (t) => {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    const dir = tempDir(t);
    const agent = start(agentArgs(dir));
    const client = await RawQgaClient.connect(join(dir, 'sock'));
    t.equal(await client.request({ execute: 'guest-ping' }), PING_REPLY);
    client.send('{"execute": "guest-sync", "arguments": {"id": 9007199254740993}}\n');
    t.equal(await client.readLine(), '{"return": 9007199254740993}', 'ids beyond 2^53 survive');
    client.close();
    agent.child.kill(signal);
    const done = await agent.exited;
    t.equal(done.code, 0, `${signal}: exit status 0`);
    t.notOk(existsSync(join(dir, 'sock')), `${signal}: socket removed`);
    t.ok(existsSync(join(dir, 'qga.state')), 'state file created in the state dir');
  }
});

t.test('the state directory is created 0700 when missing', async (t) => {
  const dir = join(tempDir(t), 'a', 'b');
  const agent = start(['--backend', 'mock', '-m', 'unix-listen', '-p', join(dir, 'sock'), '-t', dir]);
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  t.equal(await client.request({ execute: 'guest-ping' }), PING_REPLY);
  t.equal(statSync(dir).mode & 0o777, 0o700);
  client.close();
  agent.child.kill('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('a channel that cannot be opened: exit 1 with the reason', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'sock'), 'a regular file');
  const r = await run(agentArgs(dir));
  t.equal(r.code, 1);
  t.match(r.stderr, /qga: failed to initialize guest agent channel: unix-listen: .*sock exists and is not a socket/);
  // (libuv itself reports a missing directory in a socket path as EACCES)
  const missing = await run(['--backend', 'mock', '-m', 'unix-listen', '-p', '/nonexistent/dir/sock', '-t', dir]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /failed to initialize guest agent channel: .*(No such file or directory|Permission denied|ENOENT|EACCES)/);
});

t.test('an unreadable state file: exit 1, failed to load persistent state', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'qga.state')); // a directory where the file should be
  const r = await run(agentArgs(dir));
  t.equal(r.code, 1);
  t.match(r.stderr, /qga: failed to start the agent: failed to load persistent state \(EISDIR/);
});

t.test('-r: a channel that cannot be opened is retried every 5 s instead', async (t) => {
  const dir = tempDir(t);
  const sockDir = join(dir, 'later');
  const agent = start(['--backend', 'mock', '-m', 'unix-listen', '-p', join(sockDir, 'sock'), '-t', dir, '-r']);
  await waitFor('the retry message', () => agent.output().stderr.includes('will retry'));
  t.match(
    agent.output().stderr,
    /error: failed to initialize guest agent channel: .*(No such file or directory|Permission denied|ENOENT|EACCES).*, will retry in 5 s/,
  );
  mkdirSync(sockDir);
  const client = await RawQgaClient.connect(join(sockDir, 'sock'), 15_000);
  t.equal(await client.request({ execute: 'guest-ping' }), PING_REPLY);
  client.close();
  agent.child.kill('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('pidfile: written when named, locked against a second instance, removed at exit', async (t) => {
  const dir = tempDir(t);
  const pidfile = join(dir, 'qga.pid');
  const first = start(agentArgs(dir, '-f', pidfile));
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  t.equal(await client.request({ execute: 'guest-ping' }), PING_REPLY);
  t.equal(readFileSync(pidfile, 'utf8'), `${first.pid}\n`);

  const second = await run(agentArgs(dir, '-f', pidfile));
  t.equal(second.code, 1);
  t.match(second.stderr, new RegExp(`qga: another instance is running \\(pid ${first.pid}, pid file ${pidfile} is locked\\)`));
  // The refusal comes before the socket: the first instance still owns it and still answers.
  t.equal(await client.request({ execute: 'guest-ping' }), PING_REPLY);
  t.equal(readFileSync(pidfile, 'utf8'), `${first.pid}\n`);
  client.close();

  first.child.kill('SIGTERM');
  t.equal((await first.exited).code, 0);
  t.notOk(existsSync(pidfile), 'pidfile removed');
});

t.test('pidfile: a stale one from a killed instance does not block the next start', async (t) => {
  const dir = tempDir(t);
  const pidfile = join(dir, 'qga.pid');
  const first = start(agentArgs(dir, '-f', pidfile));
  (await RawQgaClient.connect(join(dir, 'sock'))).close();
  first.child.kill('SIGKILL');
  await first.exited;
  t.equal(readFileSync(pidfile, 'utf8'), `${first.pid}\n`, 'left behind by SIGKILL');
  const second = start(agentArgs(dir, '-f', pidfile));
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  t.equal(await client.request({ execute: 'guest-ping' }), PING_REPLY);
  await waitFor('the new pid', () => readFileSync(pidfile, 'utf8') === `${second.pid}\n`);
  client.close();
  second.child.kill('SIGTERM');
  t.equal((await second.exited).code, 0);
});

t.test('-d: the parent exits 0 once the daemon listens; the daemon answers; SIGTERM removes pidfile and socket', async (t) => {
  const dir = tempDir(t);
  const pidfile = join(dir, 'daemon.pid');
  const log = join(dir, 'qga.log');
  const parent = await run(agentArgs(dir, '-d', '-f', pidfile, '-l', log, '-v'));
  t.equal(parent.code, 0, parent.stderr);
  t.equal(parent.stdout, '');
  t.equal(parent.stderr, '');
  // Ready means listening: no retry needed.
  t.ok(existsSync(join(dir, 'sock')), 'socket exists when the parent returns');
  const pid = Number(readFileSync(pidfile, 'utf8'));
  t.ok(pid > 0 && isAlive(pid), 'the daemon named in the pidfile runs');
  const client = await RawQgaClient.connect(join(dir, 'sock'), 2_000);
  t.equal(await client.request({ execute: 'guest-ping' }), PING_REPLY);
  client.close();
  // The daemon is in its own session and in / (so it does not hold the caller's directory).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  t.equal(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]), pid, 'session leader (setsid)');
  t.equal(readlinkSync(`/proc/${pid}/cwd`), '/', 'chdir /');

  process.kill(pid, 'SIGTERM');
  await waitFor('the daemon to exit', () => !isAlive(pid));
  t.notOk(existsSync(pidfile), 'pidfile removed');
  t.notOk(existsSync(join(dir, 'sock')), 'socket removed');
  t.match(readFileSync(log, 'utf8'), /^\d+\.\d{6}: info: .*\n(.*\n)*\d+\.\d{6}: info: received SIGTERM, stopping\n/m);
});

t.test('-d: a startup failure reaches the terminal and the parent exits 1', async (t) => {
  const dir = tempDir(t);
  const parent = await run([
    '--backend',
    'mock',
    '-m',
    'unix-listen',
    '-p',
    '/nonexistent/dir/sock',
    '-t',
    dir,
    '-d',
    '-f',
    join(dir, 'p.pid'),
  ]);
  t.equal(parent.code, 1);
  t.match(parent.stderr, /qga: failed to initialize guest agent channel: .*(No such file or directory|Permission denied|ENOENT|EACCES)/);
  t.notOk(existsSync(join(dir, 'p.pid')), 'no pidfile left behind');
});

t.test('-d: a second daemon refuses while the first runs', async (t) => {
  const dir = tempDir(t);
  const pidfile = join(dir, 'daemon.pid');
  t.equal((await run(agentArgs(dir, '-d', '-f', pidfile))).code, 0);
  const pid = Number(readFileSync(pidfile, 'utf8'));
  const second = await run(agentArgs(dir, '-d', '-f', pidfile));
  t.equal(second.code, 1);
  t.match(second.stderr, new RegExp(`another instance is running \\(pid ${pid}`));
  process.kill(pid, 'SIGTERM');
  await waitFor('the daemon to exit', () => !isAlive(pid));
  t.notOk(existsSync(pidfile));
});

t.test('frozen: SIGTERM thaws, removes the isfrozen marker and exits 0; the next start is not frozen', async (t) => {
  const dir = tempDir(t);
  const marker = join(dir, 'qga.state.isfrozen');
  const agent = start(agentArgs(dir, '-v'));
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  t.match(await client.request({ execute: 'guest-fsfreeze-freeze' }), /^\{"return": \d+\}$/);
  t.equal(await client.request({ execute: 'guest-fsfreeze-status' }), '{"return": "frozen"}');
  t.ok(existsSync(marker), 'marker while frozen');
  const before = agent.output().stderr;
  t.match(await client.request({ execute: 'guest-get-time' }), /has been disabled/);
  t.equal(agent.output().stderr, before, 'nothing logged while frozen');
  client.close();
  agent.child.kill('SIGTERM');
  const done = await agent.exited;
  t.equal(done.code, 0, 'SIGTERM while frozen is not ignored');
  t.notOk(existsSync(marker), 'marker gone: thawed on the way out');

  const next = start(agentArgs(dir));
  const again = await RawQgaClient.connect(join(dir, 'sock'));
  t.equal(await again.request({ execute: 'guest-fsfreeze-status' }), '{"return": "thawed"}');
  t.match(await again.request({ execute: 'guest-get-time' }), /^\{"return": \d+\}$/);
  again.close();
  next.child.kill('SIGTERM');
  t.equal((await next.exited).code, 0);
});

t.test('started frozen (a previous instance died frozen): pidfile and log file wait for the thaw', async (t) => {
  const dir = tempDir(t);
  const pidfile = join(dir, 'qga.pid');
  const log = join(dir, 'qga.log');
  writeFileSync(join(dir, 'qga.state.isfrozen'), '');
  const agent = start(agentArgs(dir, '-f', pidfile, '-l', log, '-v'));
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  t.equal(await client.request({ execute: 'guest-fsfreeze-status' }), '{"return": "frozen"}');
  t.equal(await client.request({ execute: 'guest-ping' }), PING_REPLY);
  t.match(await client.request({ execute: 'guest-get-time' }), /has been disabled/);
  t.notOk(existsSync(pidfile), 'no pidfile while frozen');
  t.notOk(existsSync(log), 'no log file while frozen');
  t.match(await client.request({ execute: 'guest-fsfreeze-thaw' }), /^\{"return": \d+\}$/);
  await waitFor('the pidfile', () => existsSync(pidfile));
  t.equal(readFileSync(pidfile, 'utf8'), `${agent.pid}\n`);
  t.match(await client.request({ execute: 'guest-get-time' }), /^\{"return": \d+\}$/);
  client.close();
  agent.child.kill('SIGTERM');
  t.equal((await agent.exited).code, 0);
  t.notOk(existsSync(pidfile));
  t.match(readFileSync(log, 'utf8'), /: info: received SIGTERM, stopping\n/);
});

t.test('logging: errors only by default, everything with -v, appended to -l', async (t) => {
  const dir = tempDir(t);
  const log = join(dir, 'qga.log');
  writeFileSync(log, 'previous line\n');
  const quiet = start(agentArgs(dir, '-l', log));
  (await RawQgaClient.connect(join(dir, 'sock'))).close();
  quiet.child.kill('SIGTERM');
  await quiet.exited;
  t.equal(readFileSync(log, 'utf8'), 'previous line\n', 'nothing but errors without -v');
  const verbose = start(agentArgs(dir, '-l', log, '-v'));
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  await client.request({ execute: 'guest-ping' });
  client.close();
  verbose.child.kill('SIGTERM');
  await verbose.exited;
  const text = readFileSync(log, 'utf8');
  t.ok(text.startsWith('previous line\n'), 'appended');
  t.match(text, /\n\d+\.\d{6}: debug: guest-ping called\n/);
  t.equal(verbose.output().stderr, '', 'nothing on stderr with -l');
  const unwritable = await run(agentArgs(dir, '-l', '/nonexistent/dir/qga.log'));
  t.equal(unwritable.code, 1);
  t.match(unwritable.stderr, /qga: unable to open specified log file: ENOENT/);
});

t.test('-b / -a on the command line filter commands', async (t) => {
  const dir = tempDir(t);
  const agent = start(agentArgs(dir, '-a', 'guest-ping,guest-get-time'));
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  t.equal(await client.request({ execute: 'guest-ping' }), PING_REPLY);
  t.match(await client.request({ execute: 'guest-get-fsinfo' }), /Command guest-get-fsinfo has been disabled/);
  client.close();
  agent.child.kill('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('on a serial line with a read parked in the kernel, SIGTERM still ends the agent at once with status 0', async (t) => {
  ensureBundle();
  const dir = tempDir(t);
  const device = await openPtyDevice();
  t.teardown(() => device.close());
  const agent = start(['--backend', 'mock', '-m', 'isa-serial', '-p', device.path, '-t', dir], { program: BUNDLE });
  t.teardown(() => agent.child.kill('SIGKILL'));
  // Input that arrives before the agent has configured the line is discarded (as qemu-ga): sync until it answers.
  let reply: string | undefined;
  for (let id = 1; id <= 60 && reply === undefined; id++) {
    device.write(`{"execute": "guest-sync", "arguments": {"id": ${id}}}\n`);
    for (let line = await device.nextLine(500); line !== undefined; line = await device.nextLine(50)) {
      if (line.includes(`"return": ${id}`)) reply = line;
    }
  }
  t.ok(reply, 'the agent answers on the serial line');
  device.write('{"execute": "guest-ping"}\n');
  t.equal(await device.nextLine(10_000), PING_REPLY);
  // Its next read now waits in the kernel on a thread of libuv's pool, which a normal exit would join forever.
  agent.child.kill('SIGTERM');
  const hung = sleep(20_000).then(() => 'still running 20 s after SIGTERM' as const);
  const done = await Promise.race([agent.exited, hung]);
  t.not(done, 'still running 20 s after SIGTERM', 'the agent exits');
  if (done !== 'still running 20 s after SIGTERM') {
    t.equal(done.code, 0, `with status 0 (${done.stderr.trim()})`);
  }
});

t.test('on a socket, the normal exit stays: coverage asked for with NODE_V8_COVERAGE is written at SIGTERM', async (t) => {
  ensureBundle();
  const dir = tempDir(t);
  const coverage = join(dir, 'coverage');
  // The linux backend loads the native layer, which must not be enough to skip Node's exit (only a parked device read is).
  const agent = start(['--backend', 'linux', '-m', 'unix-listen', '-p', join(dir, 'sock'), '-t', dir], {
    program: BUNDLE,
    env: { NODE_V8_COVERAGE: coverage },
  });
  t.teardown(() => agent.child.kill('SIGKILL'));
  const client = await RawQgaClient.connect(join(dir, 'sock'));
  t.equal(await client.request({ execute: 'guest-network-get-interfaces' }).then((r) => r?.startsWith('{"return": [') ?? false), true);
  client.close();
  agent.child.kill('SIGTERM');
  t.equal((await agent.exited).code, 0);
  const written = existsSync(coverage) ? readdirSync(coverage).filter((f) => f.endsWith('.json')) : [];
  t.ok(written.length > 0, `Node wrote its coverage data at exit (${written.join(', ')})`);
});
