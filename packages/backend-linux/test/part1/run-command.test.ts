import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { DEFAULT_HELPER_ENV, describeFailure, runChecked, runCommand, type HelperEnv } from '../../src/exec/index.js';
import { Doubles } from './doubles.js';
import { rejectionMessage, scratchDir } from './fixtures.js';

/** Dead, or a zombie waiting for an init that does not reap (as in this sandbox). */
function deadOrZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

function setup(t: { teardown(fn: () => void): void }, timeoutMs = 2_000): { d: Doubles; bin: string; env: HelperEnv } {
  const root = scratchDir(t, 'qga-run-');
  const bin = join(root, 'bin');
  return { d: new Doubles(root), bin, env: { searchPath: bin, timeoutMs } };
}

t.test('stdout and stderr on one stream, in order; exit status', async (t) => {
  const { d, bin, env } = setup(t);
  d.add(bin, 'talk', 'echo one; echo two >&2; echo three; exit 4');
  const r = await runCommand(['talk', 'a b'], { env });
  t.same(r, { exitCode: 4, signal: null, output: 'one\ntwo\nthree\n', timedOut: false });
  t.same(d.calls(), ['talk [a b]']);
  t.equal(describeFailure(r, 'do things', 1), 'child process has failed to do things: one\ntwo\nthree\n', 'upstream keeps the raw output');
});

t.test('failure texts follow ga_run_command', async (t) => {
  const { d, bin, env } = setup(t);
  d.add(bin, 'quiet-fail', 'exit 3');
  d.add(bin, 'killed', 'kill -9 $$');
  t.equal(
    await rejectionMessage(runChecked(['quiet-fail'], 'set user password', { env })),
    'child process has failed to set user password: exit status 3',
  );
  t.equal(await rejectionMessage(runChecked(['killed'], 'x', { env })), 'child process has terminated abnormally');
  t.equal(
    await rejectionMessage(runChecked(['/nonexistent/hwclock', '-w'], 'set hardware clock to system time', { env })),
    "child process has failed to set hardware clock to system time: failed to exec '/nonexistent/hwclock': No such file or directory\n",
  );
  t.equal(
    await rejectionMessage(runChecked(['not-in-path'], 'x', { env })),
    "child process has failed to x: failed to exec 'not-in-path': No such file or directory\n",
  );
  d.add(bin, 'fine', 'echo fine');
  const ok = await runChecked(['fine'], 'x', { env });
  t.equal(ok.output, 'fine\n');
});

t.test('stdin input, C locale, the configured PATH and a new session', async (t) => {
  const { d, bin, env } = setup(t);
  const out = join(bin, '..', 'stdin.txt');
  d.add(bin, 'probe', `/bin/cat > '${out}'; echo "LC_ALL=$LC_ALL PATH=$PATH"; set -- $(/bin/cat /proc/$$/stat); echo "pid=$1 session=$6"`);
  const r = await runCommand(['probe'], { env, input: 'user:pass\n' });
  t.equal(readFileSync(out, 'utf8'), 'user:pass\n');
  const m = /LC_ALL=C PATH=(.*)\npid=(\d+) session=(\d+)\n/.exec(r.output);
  t.ok(m, r.output);
  t.equal(m![1], bin);
  t.equal(m![2], m![3], 'the helper leads its own session (setsid)');
});

t.test('a hung helper is killed with its whole process group at the timeout', async (t) => {
  const { d, bin, env } = setup(t, 500);
  const pidFile = join(bin, '..', 'grandchild.pid');
  d.add(bin, 'hang', `/bin/sleep 30 & echo $! > '${pidFile}'; echo waiting; wait`);
  const t0 = Date.now();
  const r = await runCommand(['hang'], { env });
  const took = Date.now() - t0;
  t.ok(took >= 450 && took < 10_000, `returned after ${took} ms`);
  t.equal(r.timedOut, true);
  t.equal(r.signal, 'SIGKILL');
  t.equal(r.output, 'waiting\n');
  t.equal(describeFailure(r, 'shutdown', 500), 'child process has failed to shutdown: timed out after 500 ms: waiting\n');
  const grandchild = Number(readFileSync(pidFile, 'utf8'));
  await new Promise((res) => setTimeout(res, 100));
  t.ok(deadOrZombie(grandchild), 'the background sleep died too');
});

t.test('a daemonized grandchild holding the output does not hold us', async (t) => {
  const { d, bin, env } = setup(t, 10_000);
  const pidFile = join(bin, '..', 'daemon.pid');
  d.add(bin, 'daemonize', `/bin/sleep 5 & echo $! > '${pidFile}'; echo started`);
  const t0 = Date.now();
  const r = await runCommand(['daemonize'], { env, drainMs: 200 });
  t.ok(Date.now() - t0 < 2_000);
  t.same(r, { exitCode: 0, signal: null, output: 'started\n', timedOut: false });
  process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
});

// Formerly part 2's runHelper (ip, loginctl, nvme, getconf), now runCommand with separateStderr.
t.test('separateStderr: real processes, bounded', async (t) => {
  const { d, bin } = setup(t);
  const opts = (timeoutMs: number) =>
    ({ env: { searchPath: `${bin}:${DEFAULT_HELPER_ENV.searchPath}`, timeoutMs }, separateStderr: true }) as const;
  const ok = await runCommand(['sh', '-c', 'printf "%s" "$LC_ALL"; printf err >&2'], opts(5000));
  t.same([ok.exitCode, ok.stdout.toString(), ok.stderr.toString(), ok.timedOut], [0, 'C', 'err', false], 'C locale forced');
  t.equal(ok.output, 'C', 'output is stdout alone');
  const fail = await runCommand(['sh', '-c', 'exit 3'], opts(5000));
  t.equal(fail.exitCode, 3);
  const missing = await runCommand(['/nonexistent/prog'], opts(5000));
  t.equal(missing.execError, 'ENOENT');
  t.equal(missing.exitCode, 1, 'not started: exit status 1, like upstream’s forked child');
  t.same([missing.output, missing.stderr.toString()], ['', "failed to exec '/nonexistent/prog': No such file or directory\n"]);
  d.add(bin, 'hang', 'exec /bin/sleep 30');
  const started = Date.now();
  const slow = await runCommand(['hang'], opts(200));
  t.ok(slow.timedOut, 'killed at the bound');
  t.ok(Date.now() - started < 5000);
  d.add(bin, 'forks', '/bin/sleep 30 &\n/bin/sleep 30');
  const t1 = Date.now();
  const grand = await runCommand(['forks'], opts(200));
  t.ok(grand.timedOut && Date.now() - t1 < 15_000, 'a grandchild holding stdout does not stretch the wait (group killed)');
  const env = await runCommand(['sh', '-c', 'printf "%s" "$TZ"'], { ...opts(5000), extraEnv: { TZ: 'UTC' } });
  t.equal(env.stdout.toString(), 'UTC');
  const raw = await runCommand(['sh', '-c', "printf '\\377\\000\\200'"], opts(5000));
  t.same([...raw.stdout], [0xff, 0x00, 0x80], 'binary stdout comes back byte for byte');
  const flood = await runCommand(['sh', '-c', 'exec /usr/bin/head -c 80000000 /dev/zero'], opts(20_000));
  t.same([flood.exitCode, flood.signal, flood.timedOut], [null, 'SIGKILL', false], 'killed past 64 MiB of output');
  t.ok(flood.stdout.length <= 64 * 1024 * 1024);
});
