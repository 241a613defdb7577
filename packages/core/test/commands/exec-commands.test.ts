import t from 'tap';
import { DEFAULT_AGENT_CONFIG } from '../../src/agent/agent-config.js';
import { GuestExecCommand, GuestExecStatusCommand } from '../../src/commands/exec-commands.js';
import { QgaError } from '../../src/protocol/qga-error.js';
import { ExecRecords } from '../../src/services/exec-records.js';
import { ListLogger, ScriptedExecPort, wireShape } from '../services/fixtures/fakes.js';

function rig() {
  const port = new ScriptedExecPort();
  const records = new ExecRecords(DEFAULT_AGENT_CONFIG, port);
  const logger = new ListLogger();
  return {
    port,
    logger,
    exec: new GuestExecCommand(records, logger),
    status: new GuestExecStatusCommand(records),
  };
}

t.test('capture-output: omitted/false → none, true → separated, names as given', async (t) => {
  const r = rig();
  const cases: [unknown, string][] = [
    [undefined, 'none'],
    [false, 'none'],
    [true, 'separated'],
    ['none', 'none'],
    ['stdout', 'stdout'],
    ['stderr', 'stderr'],
    ['separated', 'separated'],
    ['merged', 'merged'],
  ];
  for (const [flag, mode] of cases) {
    await r.exec.run({ path: 'echo', ...(flag !== undefined ? { 'capture-output': flag as never } : {}) });
    t.equal(r.port.spawned.at(-1)!.request.capture, mode, String(flag));
  }
});

t.test('arguments, environment and input reach the port; returns the pid', async (t) => {
  const r = rig();
  r.port.nextPid = 4242;
  const res = await r.exec.run({ path: '/bin/cat', arg: ['-n', 'a b'], env: ['PATH=/x', 'A=1'], 'input-data': 'aGk=' });
  t.same(res, { pid: 4242 });
  const req = r.port.spawned[0]!.request;
  t.same([req.path, req.args, req.env, req.input?.toString()], ['/bin/cat', ['-n', 'a b'], ['PATH=/x', 'A=1'], 'hi']);
  await r.exec.run({ path: 'true' });
  const plain = r.port.spawned[1]!.request;
  t.same([plain.args, plain.env, plain.input], [[], undefined, undefined], 'no env → inherit; no input → /dev/null');
  t.match(r.logger.lines[0], { level: 'info', message: 'guest-exec called: "/bin/cat -n a b"' });
});

t.test('bad input-data fails before anything runs', async (t) => {
  const r = rig();
  await t.rejects(r.exec.run({ path: 'echo', 'input-data': '!!' }), new QgaError('Base64 data contains invalid characters'));
  t.equal(r.port.spawned.length, 0);
});

t.test('status through the command: running, then the result, then gone', async (t) => {
  const r = rig();
  const { pid } = await r.exec.run({ path: 'echo', arg: ['-n', '" test_str "'], 'capture-output': true });
  t.same(r.status.run({ pid: BigInt(pid) }), { exited: false });
  const p = r.port.spawned[0]!;
  p.out('" test_str "');
  p.finish({ exitcode: 0 });
  await new Promise((res) => setImmediate(res));
  t.same(wireShape(r.status.run({ pid: BigInt(pid) })), {
    exited: true,
    exitcode: 0,
    'out-data': Buffer.from('" test_str "').toString('base64'),
    'out-truncated': false,
  });
  t.throws(() => r.status.run({ pid: BigInt(pid) }), new QgaError(`PID ${pid} does not exist`));
  t.throws(() => r.status.run({ pid: 2n ** 62n }), new QgaError(`PID ${2n ** 62n} does not exist`));
});
