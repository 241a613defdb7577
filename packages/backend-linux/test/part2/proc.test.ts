import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { describeError, errnoOf, mapLimit, readRegularFile, runHelper, strerror, TIMED_OUT, withTimeout } from '../../src/proc/index.js';
import { fakeProgram, scratch } from './fixtures.js';

t.test('glibc strerror texts', async (t) => {
  t.equal(strerror(2), 'No such file or directory');
  t.equal(strerror(16), 'Device or resource busy');
  t.equal(strerror(95), 'Operation not supported');
  t.equal(strerror(9999), 'Unknown error 9999');
  t.equal(errnoOf({ code: 'EACCES' }), 13);
  t.equal(errnoOf({ errno: -5 }), 5);
  t.equal(errnoOf('nope'), undefined);
  t.equal(describeError(Object.assign(new Error('x'), { code: 'ENOTDIR' })), 'Not a directory');
  t.equal(describeError(new Error('plain')), 'plain');
});

t.test('mapLimit: order, bound, first error in input order', async (t) => {
  let inFlight = 0;
  let peak = 0;
  const out = await mapLimit([5, 1, 4, 2, 3, 0, 6, 7], 3, async (ms) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, ms));
    inFlight--;
    return ms * 10;
  });
  t.same(out, [50, 10, 40, 20, 30, 0, 60, 70]);
  t.equal(peak, 3);
  await t.rejects(
    mapLimit([30, 1, 2], 3, async (ms) => {
      await new Promise((r) => setTimeout(r, ms));
      throw new Error(`item ${ms}`);
    }),
    { message: 'item 30' },
  );
  t.same(await mapLimit([], 4, async () => 1), []);
});

t.test('withTimeout', async (t) => {
  t.equal(await withTimeout(new Promise(() => {}), 20), TIMED_OUT);
  t.equal(await withTimeout(Promise.resolve(7), 1000), 7);
  await t.rejects(withTimeout(Promise.reject(new Error('no')), 1000), { message: 'no' });
});

t.test('runHelper: real processes, bounded', async (t) => {
  const dir = await scratch(t);
  const ok = await runHelper('sh', ['-c', 'printf "%s" "$LC_ALL"; printf err >&2'], { timeoutMs: 5000 });
  t.same([ok.code, ok.stdout.toString(), ok.stderr.toString(), ok.timedOut], [0, 'C', 'err', false], 'C locale forced');
  const fail = await runHelper('sh', ['-c', 'exit 3'], { timeoutMs: 5000 });
  t.equal(fail.code, 3);
  const missing = await runHelper('/nonexistent/prog', [], { timeoutMs: 5000 });
  t.equal(missing.spawnError?.code, 'ENOENT');
  t.equal(missing.code, null);
  const hang = await fakeProgram(dir, 'hang', 'exec sleep 30');
  const started = Date.now();
  const slow = await runHelper(hang, [], { timeoutMs: 200 });
  t.ok(slow.timedOut, 'killed at the bound');
  t.ok(Date.now() - started < 5000);
  const forks = await fakeProgram(dir, 'forks', 'sleep 30 &\nsleep 30');
  const t1 = Date.now();
  const grand = await runHelper(forks, [], { timeoutMs: 200 });
  t.ok(grand.timedOut && Date.now() - t1 < 5000, 'a grandchild holding stdout does not stretch the wait (group killed)');
  const env = await runHelper('sh', ['-c', 'printf "%s" "$TZ"'], { timeoutMs: 5000, env: { TZ: 'UTC' } });
  t.equal(env.stdout.toString(), 'UTC');
});

t.test('readRegularFile refuses FIFOs, devices and oversize files without blocking', async (t) => {
  const dir = await scratch(t);
  const fifo = join(dir, 'fifo');
  await promisify(execFile)('mkfifo', [fifo]);
  t.equal(await readRegularFile(fifo, 1000), undefined);
  t.equal(await readRegularFile('/dev/zero', 1000), undefined);
  await writeFile(join(dir, 'big'), Buffer.alloc(2000));
  t.equal(await readRegularFile(join(dir, 'big'), 1000), undefined);
  t.equal((await readRegularFile(join(dir, 'big'), 4000))?.length, 2000);
});
