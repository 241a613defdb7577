import t from 'tap';
import type { SpawnedProcess } from '@qga/core';
import { lastValueFrom, toArray } from 'rxjs';
import { createMockGuest } from '../src/index.js';

async function collect(p: SpawnedProcess) {
  const text = async (s: SpawnedProcess['stdout']) =>
    s === undefined ? undefined : Buffer.concat(await lastValueFrom(s.pipe(toArray()))).toString();
  const [out, err, exit] = await Promise.all([text(p.stdout), text(p.stderr), p.exit]);
  return { out, err, exit };
}

t.test('built-in programs: echo, true, false, cat, sleep', async (t) => {
  const guest = createMockGuest();
  const exec = guest.processes;
  t.same(await collect(await exec.spawn({ path: 'echo', args: ['-n', '" test_str "'], capture: 'separated' })), {
    out: '" test_str "',
    err: '',
    exit: { exitcode: 0 },
  });
  t.same((await collect(await exec.spawn({ path: '/bin/echo', args: ['a', 'b'], capture: 'stdout' }))).out, 'a b\n');
  t.same((await collect(await exec.spawn({ path: 'true', args: [], capture: 'none' }))).exit, { exitcode: 0 });
  t.same((await collect(await exec.spawn({ path: 'false', args: [], capture: 'none' }))).exit, { exitcode: 1 });
  t.same((await collect(await exec.spawn({ path: 'cat', args: [], input: Buffer.from('piped'), capture: 'stdout' }))).out, 'piped');
  guest.fs.writeFile('/etc/motd', 'welcome\n');
  t.same(await collect(await exec.spawn({ path: 'cat', args: ['/etc/motd', '/nope'], capture: 'separated' })), {
    out: 'welcome\n',
    err: 'cat: /nope: No such file or directory\n',
    exit: { exitcode: 1 },
  });
  const sleeper = await exec.spawn({ path: 'sleep', args: ['30'], capture: 'none' });
  sleeper.kill('SIGTERM');
  t.same(await sleeper.exit, { signal: 15 }, 'kill ends a sleeping program with the signal');
});

t.test('scripted programs see argv, env, stdin; merged keeps write order', async (t) => {
  const guest = createMockGuest({ firstPid: 700 });
  guest.programs.define('/usr/bin/tool', async (ctx) => {
    ctx.stdout('out1\n');
    ctx.stderr('err1\n');
    await ctx.sleep(5);
    ctx.stdout(`args=${ctx.args.join(',')} env=${ctx.env.join(',')} in=${ctx.stdin.toString()}\n`);
    ctx.stderr('err2\n');
    return 3;
  });
  const p = await guest.processes.spawn({
    path: 'tool',
    args: ['x', 'y'],
    env: ['PATH=/usr/bin', 'A=1'],
    input: Buffer.from('IN'),
    capture: 'merged',
  });
  t.equal(p.pid, 700);
  t.equal(p.stderr, undefined, 'merged: no separate stderr');
  t.same(await collect(p), { out: 'out1\nerr1\nargs=x,y env=PATH=/usr/bin,A=1 in=IN\nerr2\n', err: undefined, exit: { exitcode: 3 } });
  t.same(
    guest.programs.runs.map((r) => [r.pid, r.path, r.argv, r.capture, r.exit]),
    [[700, '/usr/bin/tool', ['tool', 'x', 'y'], 'merged', { exitcode: 3 }]],
  );
});

t.test('lookup: PATH from the request env, absolute paths, ENOENT and EACCES like execve', async (t) => {
  const guest = createMockGuest();
  guest.programs.define('/opt/bin/thing', () => 0);
  await t.rejects(guest.processes.spawn({ path: 'thing', args: [], capture: 'none' }), { code: 'ENOENT' }, 'not in the default PATH');
  const p = await guest.processes.spawn({ path: 'thing', args: [], env: ['PATH=/opt/bin'], capture: 'none' });
  t.same(await p.exit, { exitcode: 0 });
  await t.rejects(guest.processes.spawn({ path: '/bin/invalid-cmd42', args: [], capture: 'none' }), { code: 'ENOENT' });
  await t.rejects(guest.processes.spawn({ path: '/tmp', args: [], capture: 'none' }), { code: 'EACCES' }, 'exists but is no program');
  const noPath = await guest.processes.spawn({ path: 'echo', args: [], env: [], capture: 'none' });
  t.same(await noPath.exit, { exitcode: 0 }, 'an env without PATH searches the default PATH');
});

t.test('signals, thrown errors, and capture none/stdout/stderr', async (t) => {
  const guest = createMockGuest();
  guest.programs.define('/bin/crash', () => ({ signal: 'SIGSEGV' as const }));
  guest.programs.define('/bin/broken', () => {
    throw new Error('handler bug');
  });
  guest.programs.define('/bin/both', (ctx) => {
    ctx.stdout('o');
    ctx.stderr('e');
  });
  t.same((await collect(await guest.processes.spawn({ path: 'crash', args: [], capture: 'none' }))).exit, { signal: 11 });
  t.same(await collect(await guest.processes.spawn({ path: 'broken', args: [], capture: 'stderr' })), {
    out: undefined,
    err: 'handler bug\n',
    exit: { exitcode: 1 },
  });
  t.same(await collect(await guest.processes.spawn({ path: 'both', args: [], capture: 'stdout' })), {
    out: 'o',
    err: undefined,
    exit: { exitcode: 0 },
  });
  t.same(await collect(await guest.processes.spawn({ path: 'both', args: [], capture: 'stderr' })), {
    out: undefined,
    err: 'e',
    exit: { exitcode: 0 },
  });
  const none = await guest.processes.spawn({ path: 'both', args: [], capture: 'none' });
  t.same([none.stdout, none.stderr], [undefined, undefined]);
  const hang = await guest.processes.spawn({ path: 'sleep', args: ['100'], capture: 'none' });
  guest.dispose();
  t.same(await hang.exit, { signal: 9 }, 'dispose kills what is still running');
  guest.failNext('exec.spawn', 'EAGAIN');
  await t.rejects(guest.processes.spawn({ path: 'true', args: [], capture: 'none' }), { code: 'EAGAIN' });
});
