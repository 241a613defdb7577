import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { errnoError } from '@qga/core';
import { LinuxTime } from '../../src/time/index.js';
import { Doubles } from './doubles.js';
import { rejectionMessage, scratchDir } from './fixtures.js';

/**
 * `hwclock` is a double and the clock setter a recording double: these tests
 * never change this machine's clock. The real settimeofday is tested below as
 * an unprivileged user, where the kernel refuses it.
 */
function setup(t: { teardown(fn: () => void): void }, clockError?: string, hwclockBody = 'exit 0', timeoutMs = 2_000) {
  const root = scratchDir(t, 'qga-time-');
  const bin = join(root, 'bin');
  const d = new Doubles(root);
  const hwclock = d.add(bin, 'hwclock', hwclockBody);
  const set: bigint[] = [];
  const setClock = (ns: bigint): void => {
    if (clockError !== undefined) throw errnoError(clockError, 'settimeofday');
    set.push(ns);
  };
  return { d, set, time: new LinuxTime({ setClock, hwclock, env: { searchPath: bin, timeoutMs } }) };
}

t.test('now(): wall clock in ns, microsecond resolution, beyond 2^53', async (t) => {
  const { time } = setup(t);
  const a = time.now();
  const wall = BigInt(Date.now()) * 1_000_000n;
  t.equal(a % 1000n, 0n);
  t.ok(a > BigInt(Number.MAX_SAFE_INTEGER));
  t.ok(a - wall < 5_000_000n && wall - a < 5_000_000n, 'within 5 ms of Date.now()');
  const b = time.now();
  t.ok(b >= a, 'does not go backwards between calls');
});

t.test('setTime(ns) sets the clock, then runs hwclock -w', async (t) => {
  const { d, set, time } = setup(t);
  await time.setTime(1_700_000_000_123_456_789n);
  t.same(set, [1_700_000_000_123_456_789n]);
  t.same(d.calls(), ['hwclock [-w]']);
});

t.test('setTime() copies the RTC to the system clock', async (t) => {
  const { d, time } = setup(t);
  await time.setTime();
  t.same(d.calls(), ['hwclock [-s]']);
});

t.test('settimeofday failure: upstream text with the strerror, hwclock not run', async (t) => {
  const { d, time } = setup(t, 'EPERM');
  t.equal(await rejectionMessage(time.setTime(1_700_000_000_000_000_000n)), 'Failed to set time to guest: Operation not permitted');
  t.same(d.calls(), []);
  const bad = setup(t, 'EINVAL');
  t.equal(await rejectionMessage(bad.time.setTime(0n)), 'Failed to set time to guest: Invalid argument');
});

t.test(
  "the real settimeofday as uid 65534: EPERM becomes qemu-ga's message",
  { skip: process.getuid?.() !== 0 && 'needs root to switch to an unprivileged user' },
  async (t) => {
    const entry = fileURLToPath(new URL('../../src/time/index.js', import.meta.url));
    // hwclock must not run: the refusal comes first.
    const script = `import('reflect-metadata').then(() => import(${JSON.stringify(entry)})).then(async (m) => { try { await new m.LinuxTime({ hwclock: '/nonexistent/hwclock' }).setTime(1796605837000000000n); console.log('set'); } catch (e) { console.log(e.message); } })`;
    const r = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    );
    t.equal(r.stdout.trim(), 'Failed to set time to guest: Operation not permitted', r.stderr);
  },
);

t.test('without the native layer: a clear error for set-time, not a crash', async (t) => {
  const entry = fileURLToPath(new URL('../../src/time/index.js', import.meta.url));
  const script = `import('reflect-metadata').then(() => import(${JSON.stringify(entry)})).then(async (m) => { try { await new m.LinuxTime({ hwclock: '/nonexistent/hwclock' }).setTime(1796605837000000000n); console.log('set'); } catch (e) { console.log(e.message); } })`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, QGA_NO_NATIVE: '1' },
  });
  t.equal(
    r.stdout.trim(),
    'Failed to set time to guest: native calls are unavailable (koffi could not be loaded: QGA_NO_NATIVE=1)',
    r.stderr,
  );
});

t.test('hwclock failure: reported after the clock was set (documented upstream quirk)', async (t) => {
  const { d, set, time } = setup(t, undefined, 'echo "hwclock: Cannot access the Hardware Clock via any known method." >&2; exit 1');
  t.equal(
    await rejectionMessage(time.setTime(1_700_000_000_000_000_000n)),
    'child process has failed to set hardware clock to system time: hwclock: Cannot access the Hardware Clock via any known method.\n',
  );
  t.same(set, [1_700_000_000_000_000_000n]);
  t.same(d.calls(), ['hwclock [-w]']);
});

t.test('missing hwclock', async (t) => {
  const root = scratchDir(t, 'qga-time-');
  const time = new LinuxTime({ setClock: () => undefined, hwclock: join(root, 'no-hwclock'), env: { searchPath: root, timeoutMs: 1_000 } });
  t.equal(
    await rejectionMessage(time.setTime()),
    `child process has failed to set hardware clock to system time: failed to exec '${join(root, 'no-hwclock')}': No such file or directory\n`,
  );
});

t.test('a hanging hwclock fails within the timeout', async (t) => {
  const { time } = setup(t, undefined, 'exec /bin/sleep 60', 300);
  const t0 = Date.now();
  t.equal(await rejectionMessage(time.setTime()), 'child process has failed to set hardware clock to system time: timed out after 300 ms');
  t.ok(Date.now() - t0 < 10_000, 'bounded by the helper timeout, not hung');
});
