import t from 'tap';
import { DEFAULT_AGENT_CONFIG, type AgentConfig } from '../../src/agent/agent-config.js';
import type { FsFreezePort } from '../../src/ports/fsfreeze-port.js';
import { QgaError } from '../../src/protocol/qga-error.js';
import { FreezeState } from '../../src/services/freeze-state.js';
import { FsFreezeController } from '../../src/services/fsfreeze-controller.js';
import { MemoryStateStore } from '../../src/services/memory-state-store.js';
import { errnoError } from '../../src/util/strerror.js';
import { ListLogger, ScriptedExecPort, delay } from './fixtures/fakes.js';

/**
 * One event log shared by the fake kernel side and the fake hook, so the
 * tests can assert the order of hook runs and (un)freezing.
 */
function rig(
  options: {
    config?: Partial<AgentConfig>;
    hook?: (arg: string) => { out?: string; status: { exitcode?: number; signal?: number } };
    startedFrozen?: boolean;
  } = {},
) {
  const events: string[] = [];
  const state = new FreezeState();
  const store = new MemoryStateStore({ startedFrozen: options.startedFrozen ?? false });
  const mounts = { frozen: 0, total: 2, failWith: undefined as Error | undefined, thawError: undefined as Error | undefined };
  const port: FsFreezePort = {
    async freeze(mountpoints) {
      events.push(
        `freeze ${mountpoints === undefined ? '*' : JSON.stringify(mountpoints)} (status ${state.frozen ? 'frozen' : 'thawed'}, marker ${store.frozenMarker})`,
      );
      if (mounts.failWith) throw mounts.failWith;
      const n = mountpoints === undefined ? mounts.total : mountpoints.length;
      mounts.frozen = n;
      return n;
    },
    async thaw() {
      events.push('thaw');
      if (mounts.thawError) throw mounts.thawError;
      const n = mounts.frozen;
      mounts.frozen = 0;
      return n;
    },
  };
  const exec = new ScriptedExecPort();
  exec.onSpawn = (p) => {
    events.push(`hook ${p.request.args.join(' ')} (capture ${p.request.capture}, status ${state.frozen ? 'frozen' : 'thawed'})`);
    const r = options.hook?.(p.request.args[0]!) ?? { status: { exitcode: 0 } };
    setImmediate(() => {
      if (r.out) p.out(r.out);
      p.finish(r.status);
    });
  };
  const logger = new ListLogger();
  const config: AgentConfig = { ...DEFAULT_AGENT_CONFIG, fsfreezeHook: '/etc/qemu/fsfreeze-hook', ...options.config };
  const controller = new FsFreezeController(state, store, config, port, exec, logger);
  return { events, state, store, mounts, exec, logger, controller };
}

t.test('freeze: hook first, then the frozen state (flag + marker), then the kernel; thaw: kernel, state, then hook', async (t) => {
  const r = rig();
  t.equal(await r.controller.freeze(), 2);
  t.equal(r.state.frozen, true);
  t.equal(r.store.frozenMarker, true);
  t.equal(await r.controller.thaw(), 2);
  t.equal(r.state.frozen, false);
  t.equal(r.store.frozenMarker, false);
  t.same(r.events, [
    'hook freeze (capture merged, status thawed)',
    'freeze * (status frozen, marker true)',
    'thaw',
    'hook thaw (capture merged, status thawed)',
  ]);
  t.equal(r.exec.spawned[0]!.request.path, '/etc/qemu/fsfreeze-hook');
  r.controller.dispose();
});

t.test('a failing freeze hook fails the command before anything is frozen', async (t) => {
  const r = rig({ hook: () => ({ out: 'db lock failed\n', status: { exitcode: 2 } }) });
  await t.rejects(r.controller.freeze(), new QgaError('child process has failed to execute fsfreeze hook: db lock failed\n'));
  t.same(r.events, ['hook freeze (capture merged, status thawed)']);
  t.equal(r.state.frozen, false);
  t.equal(r.store.frozenMarker, false);

  const silent = rig({ hook: () => ({ status: { exitcode: 3 } }) });
  await t.rejects(silent.controller.freeze(), new QgaError('child process has failed to execute fsfreeze hook: exit status 3'));
  const killed = rig({ hook: () => ({ status: { signal: 9 } }) });
  await t.rejects(killed.controller.freeze(), new QgaError('child process has terminated abnormally'));

  const missing = rig();
  missing.exec.onSpawn = () => {
    throw errnoError('ENOENT');
  };
  await t.rejects(
    missing.controller.freeze(),
    new QgaError(
      "child process has failed to execute fsfreeze hook: failed to exec '/etc/qemu/fsfreeze-hook': No such file or directory\n",
    ),
  );
  t.equal(missing.state.frozen, false);
});

t.test('a failing thaw hook is reported after the filesystems were thawed', async (t) => {
  const r = rig({ hook: (arg) => (arg === 'thaw' ? { out: 'resume failed', status: { exitcode: 1 } } : { status: { exitcode: 0 } }) });
  await r.controller.freeze();
  await t.rejects(r.controller.thaw(), new QgaError('child process has failed to execute fsfreeze hook: resume failed'));
  t.equal(r.mounts.frozen, 0, 'kernel side thawed');
  t.equal(r.state.frozen, false, 'agent thawed');
  t.equal(r.store.frozenMarker, false);
  t.same(r.events.slice(-2), ['thaw', 'hook thaw (capture merged, status thawed)']);
});

t.test('a kernel freeze error thaws everything, runs the thaw hook, and reports the freeze error', async (t) => {
  const r = rig();
  r.mounts.failWith = new QgaError('failed to freeze /data: Input/output error');
  await t.rejects(r.controller.freeze(), new QgaError('failed to freeze /data: Input/output error'));
  t.same(r.events, [
    'hook freeze (capture merged, status thawed)',
    'freeze * (status frozen, marker true)',
    'thaw',
    'hook thaw (capture merged, status thawed)',
  ]);
  t.equal(r.state.frozen, false);
});

t.test('freezing nothing leaves the frozen state at once, and the freeze hook still gets its thaw', async (t) => {
  const r = rig();
  t.equal(await r.controller.freeze([]), 0);
  t.equal(r.state.frozen, false);
  t.equal(r.store.frozenMarker, false);
  t.same(r.events, [
    'hook freeze (capture merged, status thawed)',
    'freeze [] (status frozen, marker true)',
    'hook thaw (capture merged, status thawed)',
  ]);
});

t.test('thaw with nothing frozen returns 0 and still runs the thaw hook; a kernel thaw error keeps us frozen', async (t) => {
  const r = rig();
  t.equal(await r.controller.thaw(), 0);
  t.same(r.events, ['thaw', 'hook thaw (capture merged, status thawed)']);
  await r.controller.freeze();
  r.mounts.thawError = errnoError('EIO');
  await t.rejects(r.controller.thaw(), { code: 'EIO' });
  t.equal(r.state.frozen, true, 'still frozen: the host can retry');
  r.controller.dispose();
});

t.test('without a hook configured no program runs', async (t) => {
  const r = rig({ config: { fsfreezeHook: undefined } });
  await r.controller.freeze(['/']);
  await r.controller.thaw();
  t.same(r.events, ['freeze ["/"] (status frozen, marker true)', 'thaw']);
  t.equal(r.exec.spawned.length, 0);
});

t.test('auto-thaw: still frozen after freezeTimeoutMs → thaw (kernel + hook) and log it', async (t) => {
  const r = rig({ config: { freezeTimeoutMs: 60 } });
  await r.controller.freeze();
  await delay(20);
  t.equal(r.state.frozen, true, 'not yet');
  // The timer fires at 60 ms; the thaw, the hook and the warning follow. Wait for the warning
  // (bounded) rather than a fixed time: on a loaded machine the hook may finish late.
  const isWarning = (l: { level: string } | undefined): boolean => l?.level === 'warning';
  for (let waited = 0; waited < 5000 && !isWarning(r.logger.lines.at(-1)); waited += 20) await delay(20);
  t.equal(r.state.frozen, false, 'thawed by the timer');
  t.equal(r.mounts.frozen, 0);
  t.same(r.events.slice(-2), ['thaw', 'hook thaw (capture merged, status thawed)']);
  t.match(r.logger.lines.at(-1), { level: 'warning', message: /auto-thaw: filesystems were frozen for \d+ ms \(limit 60 ms\); thawed 2/ });
});

t.test('auto-thaw is cancelled by a timely thaw, and disabled by 0', async (t) => {
  const r = rig({ config: { freezeTimeoutMs: 50 } });
  await r.controller.freeze();
  await r.controller.thaw();
  const thawsBefore = r.events.filter((e) => e === 'thaw').length;
  await delay(90);
  t.equal(r.events.filter((e) => e === 'thaw').length, thawsBefore, 'no extra thaw');
  const off = rig({ config: { freezeTimeoutMs: 0 } });
  await off.controller.freeze();
  await delay(30);
  t.equal(off.state.frozen, true);
  await off.controller.thawIfFrozen();
  t.equal(off.state.frozen, false, 'thawIfFrozen (agent shutdown) thaws');
  t.same(off.events.slice(-2), ['thaw', 'hook thaw (capture merged, status thawed)']);
  await off.controller.thawIfFrozen();
  t.equal(off.events.filter((e) => e === 'thaw').length, 1, 'and does nothing when thawed');
});

t.test('init(): a previous instance that died frozen leaves the agent frozen until thaw (or auto-thaw)', async (t) => {
  const r = rig({ startedFrozen: true, config: { freezeTimeoutMs: 40 } });
  t.equal(r.state.frozen, false);
  r.controller.init();
  t.equal(r.state.frozen, true);
  await delay(90);
  t.equal(r.state.frozen, false, 'auto-thaw covers a restart while frozen too');
  t.equal(r.store.frozenMarker, false, 'marker removed');
});

t.test('freeze and thaw never interleave', async (t) => {
  const r = rig({ config: { fsfreezeHook: undefined } });
  const [a, b] = await Promise.all([r.controller.freeze(), r.controller.thaw()]);
  t.same([a, b], [2, 2]);
  t.same(r.events, ['freeze * (status frozen, marker true)', 'thaw']);
});
