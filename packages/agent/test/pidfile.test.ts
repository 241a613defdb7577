import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { acquirePidfile, PidfileError, isAlive } from '../src/service/pidfile.js';
import { tempDir } from './helpers/run-qga.js';

/** A real process that is alive until killed. */
async function sleeper(t: Test): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  t.teardown(() => child.kill('SIGKILL'));
  await once(child, 'spawn');
  return child.pid as number;
}

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid as number;
}

for (const flock of [true, false]) {
  const kind = flock ? 'flock' : 'exclusive-create';
  t.test(`${kind}: write, lock, release`, async (t) => {
    const path = join(tempDir(t), 'qga.pid');
    const lock = acquirePidfile(path, { flock });
    t.equal(lock.kind, kind);
    t.equal(readFileSync(path, 'utf8'), `${process.pid}\n`);
    t.equal(statSync(path).mode & 0o777, 0o600);
    lock.release();
    t.notOk(existsSync(path));
    const again = acquirePidfile(path, { flock });
    again.release();
  });

  t.test(`${kind}: a stale pidfile (dead pid) is taken over`, async (t) => {
    const path = join(tempDir(t), 'qga.pid');
    writeFileSync(path, `${await deadPid()}\n`);
    const lock = acquirePidfile(path, { flock });
    t.equal(readFileSync(path, 'utf8'), `${process.pid}\n`);
    lock.release();
  });

  t.test(`${kind}: garbage in the pidfile is stale too`, async (t) => {
    const path = join(tempDir(t), 'qga.pid');
    writeFileSync(path, 'not a pid');
    acquirePidfile(path, { flock }).release();
  });

  t.test(`${kind}: a missing directory is a clear error`, async (t) => {
    t.throws(() => acquirePidfile('/nonexistent/dir/qga.pid', { flock }), /cannot create pid file \/nonexistent\/dir\/qga.pid/);
  });
}

t.test('exclusive-create: a live pid in the pidfile refuses', async (t) => {
  const path = join(tempDir(t), 'qga.pid');
  const pid = await sleeper(t);
  writeFileSync(path, `${pid}\n`);
  t.throws(() => acquirePidfile(path, { flock: false }), new PidfileError(`another instance is running (pid ${pid}, pid file ${path})`));
  t.equal(readFileSync(path, 'utf8'), `${pid}\n`, 'left alone');
});

t.test('flock: a pidfile locked by another process refuses, whatever pid it names', async (t) => {
  const path = join(tempDir(t), 'qga.pid');
  writeFileSync(path, '4242\n');
  // util-linux flock holds the lock while its child sleeps.
  const holder = spawn('flock', ['--nonblock', path, 'sleep', '60'], { stdio: 'ignore' });
  t.teardown(() => holder.kill('SIGKILL'));
  await once(holder, 'spawn');
  await new Promise((r) => setTimeout(r, 200));
  t.throws(() => acquirePidfile(path, { flock: true }), /another instance is running \(pid 4242, pid file .* is locked\)/);
});

t.test('isAlive', async (t) => {
  t.equal(isAlive(process.pid), true);
  t.equal(isAlive(await deadPid()), false);
  t.equal(isAlive(await sleeper(t)), true);
});
