import t from 'tap';
import { DEFAULT_AGENT_CONFIG, type AgentConfig } from '../../src/agent/agent-config.js';
import { QgaError } from '../../src/protocol/qga-error.js';
import { EXEC_MAX_OUTPUT, ExecRecords } from '../../src/services/exec-records.js';
import { errnoError } from '../../src/util/strerror.js';
import { ChildProcessExecPort, ListLogger, ScriptedExecPort, delay, wireShape } from './fixtures/fakes.js';

const config = (over: Partial<AgentConfig> = {}): AgentConfig => ({ ...DEFAULT_AGENT_CONFIG, ...over });
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

t.test('exited only once reaped AND every captured stream ended; the first exited status deletes the record', async (t) => {
  const port = new ScriptedExecPort();
  const records = new ExecRecords(config(), port);
  const pid = await records.spawn({ path: 'x', args: [], capture: 'separated' });
  const p = port.spawned[0]!;
  t.same(wireShape(records.status(BigInt(pid))), { exited: false });
  p.out('out1 ');
  p.err('err1');
  p.reap({ exitcode: 3 });
  await tick();
  t.same(wireShape(records.status(BigInt(pid))), { exited: false }, 'reaped, but pipes still open (a grandchild holds them)');
  p.out('out2');
  p.stdoutSubject.complete();
  await tick();
  t.same(wireShape(records.status(BigInt(pid))), { exited: false }, 'stderr still open');
  p.stderrSubject.complete();
  await tick();
  t.same(wireShape(records.status(BigInt(pid))), {
    exited: true,
    exitcode: 3,
    'out-data': b64('out1 out2'),
    'err-data': b64('err1'),
    'out-truncated': false,
    'err-truncated': false,
  });
  t.throws(() => wireShape(records.status(BigInt(pid))), new QgaError(`PID ${pid} does not exist`), 'collected once');
  t.equal(records.size, 0);
});

t.test('status fields: signal instead of exitcode, empty streams omitted, truncation only with data', async (t) => {
  const port = new ScriptedExecPort();
  const records = new ExecRecords(config(), port);
  const pid = await records.spawn({ path: 'x', args: [], capture: 'separated' });
  port.spawned[0]!.finish({ signal: 9 });
  await tick();
  t.same(wireShape(records.status(BigInt(pid))), { exited: true, signal: 9 });

  const pid2 = await records.spawn({ path: 'x', args: [], capture: 'none' });
  t.equal(port.spawned[1]!.stdout, undefined);
  port.spawned[1]!.reap({ exitcode: 0 });
  await tick();
  t.same(wireShape(records.status(BigInt(pid2))), { exited: true, exitcode: 0 }, 'no capture: exited as soon as reaped');
});

t.test('16 MiB per stream: exactly 16 MiB is not truncated, one byte more is', async (t) => {
  const port = new ScriptedExecPort();
  const records = new ExecRecords(config(), port);
  const pid = await records.spawn({ path: 'x', args: [], capture: 'separated' });
  const p = port.spawned[0]!;
  const chunk = Buffer.alloc(1024 * 1024, 0x61);
  for (let i = 0; i < 16; i++) p.out(chunk);
  for (let i = 0; i < 16; i++) p.err(chunk);
  p.err(Buffer.from('b'));
  for (let i = 0; i < 3; i++) p.err(chunk); // drained and discarded
  p.finish();
  await tick();
  const s = wireShape(records.status(BigInt(pid)));
  t.equal(Buffer.from(s['out-data']!, 'base64').length, EXEC_MAX_OUTPUT);
  t.equal(s['out-truncated'], false, 'exactly at the limit: not truncated (the flag comes with the data, as in qemu-ga 7.2)');
  const err = Buffer.from(s['err-data']!, 'base64');
  t.equal(err.length, EXEC_MAX_OUTPUT);
  t.equal(err.at(-1), 0x61, 'the kept bytes are the first 16 MiB');
  t.equal(s['err-truncated'], true);
});

t.test('merged capture: one stream, no err-data', async (t) => {
  const records = new ExecRecords(config(), new ChildProcessExecPort());
  const pid = await records.spawn({
    path: '/bin/sh',
    args: ['-c', 'for i in 1 2 3 4; do if [ $((i % 2)) = 1 ]; then echo stdout; else echo stderr 1>&2; fi; done'],
    capture: 'merged',
  });
  let s = wireShape(records.status(BigInt(pid)));
  for (let i = 0; i < 100 && !s.exited; i++) {
    await delay(20);
    s = wireShape(records.status(BigInt(pid)));
  }
  t.same(s, { exited: true, exitcode: 0, 'out-data': b64('stdout\nstderr\nstdout\nstderr\n'), 'out-truncated': false });
});

t.test('real process: echo with stdin-less capture and input-data through cat', async (t) => {
  const records = new ExecRecords(config(), new ChildProcessExecPort());
  const poll = async (pid: number) => {
    for (let i = 0; i < 200; i++) {
      const s = wireShape(records.status(BigInt(pid)));
      if (s.exited) return s;
      await delay(10);
    }
    throw new Error('timeout');
  };
  const echo = await records.spawn({ path: '/bin/echo', args: ['-n', '" test_str "'], capture: 'separated' });
  t.same(await poll(echo), { exited: true, exitcode: 0, 'out-data': b64('" test_str "'), 'out-truncated': false });
  const cat = await records.spawn({ path: '/bin/cat', args: [], input: Buffer.from('in\0put'), capture: 'stdout' });
  t.same(await poll(cat), { exited: true, exitcode: 0, 'out-data': b64('in\0put'), 'out-truncated': false });
});

t.test('spawn failure reads like GLib, curly quotes included', async (t) => {
  const port = new ScriptedExecPort();
  port.onSpawn = () => {
    throw errnoError('ENOENT');
  };
  const records = new ExecRecords(config(), port);
  await t.rejects(
    records.spawn({ path: '/bin/invalid-cmd42', args: [], capture: 'none' }),
    new QgaError('Failed to execute child process \u201C/bin/invalid-cmd42\u201D (No such file or directory)'),
  );
  const real = new ExecRecords(config(), new ChildProcessExecPort());
  await t.rejects(
    real.spawn({ path: '/etc/passwd', args: [], capture: 'none' }),
    new QgaError('Failed to execute child process \u201C/etc/passwd\u201D (Permission denied)'),
  );
  t.throws(() => wireShape(records.status(0n)), new QgaError('PID 0 does not exist'), 'the message qemu-ga meant to print');
  t.throws(() => wireShape(records.status(-5n)), new QgaError('PID -5 does not exist'));
});

t.test('records nobody polls expire execRecordTtlMs after the process finished', async (t) => {
  const port = new ScriptedExecPort();
  const logger = new ListLogger();
  const records = new ExecRecords(config({ execRecordTtlMs: 40 }), port, logger);
  const done = await records.spawn({ path: 'x', args: [], capture: 'stdout' });
  const running = await records.spawn({ path: 'y', args: [], capture: 'stdout' });
  port.spawned[0]!.finish();
  await delay(15);
  t.equal(records.size, 2, 'kept until the TTL');
  await delay(60);
  t.equal(records.size, 1, 'finished record dropped');
  t.throws(() => wireShape(records.status(BigInt(done))), new QgaError(`PID ${done} does not exist`));
  t.same(wireShape(records.status(BigInt(running))), { exited: false }, 'a running process is never expired');
  t.match(logger.lines.at(-1)?.message, /never collected/);
  port.spawned[1]!.finish();
  await tick();
  t.same(wireShape(records.status(BigInt(running))), { exited: true, exitcode: 0 });
  records.dispose();
});

t.test('a reused pid replaces the stale record; killAll signals running processes only', async (t) => {
  const port = new ScriptedExecPort();
  const records = new ExecRecords(config(), port);
  port.nextPid = 7;
  await records.spawn({ path: 'a', args: [], capture: 'none' });
  port.spawned[0]!.reap({ exitcode: 1 });
  await tick();
  port.nextPid = 7;
  await records.spawn({ path: 'b', args: [], capture: 'none' });
  t.same(wireShape(records.status(7n)), { exited: false }, 'the new process, not the old one');
  await records.spawn({ path: 'c', args: [], capture: 'none' });
  records.killAll();
  t.same(port.spawned[1]!.killed, ['SIGTERM']);
  t.same(port.spawned[0]!.killed, []);
});
