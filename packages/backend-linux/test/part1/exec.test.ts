import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { LinuxExec } from '../../src/exec/index.js';
import { finish } from './exec-helpers.js';
import { rejectionCode, scratchDir } from './fixtures.js';

const exec = new LinuxExec();

t.test('echo with capture: the test-qga case', async (t) => {
  const p = await exec.spawn({ path: '/bin/echo', args: ['-n', '" test_str "'], capture: 'separated' });
  t.ok(p.pid > 0);
  const r = await finish(p);
  t.same(r, { out: '" test_str "', err: '', exitcode: 0 });
});

t.test('PATH lookup: agent PATH without env, the env PATH with env', async (t) => {
  let r = await finish(await exec.spawn({ path: 'echo', args: ['found'], capture: 'stdout' }));
  t.same(r, { out: 'found\n', exitcode: 0 });

  const dir = scratchDir(t);
  symlinkSync('/bin/bash', join(dir, 'qga-only-here')); // bash -c prints its argv[0] as $0
  t.equal(await rejectionCode(exec.spawn({ path: 'qga-only-here', args: [], capture: 'none' })), 'ENOENT', 'not in the agent PATH');
  r = await finish(
    await exec.spawn({ path: 'qga-only-here', args: ['-c', 'echo "argv0=$0"'], env: [`PATH=/nonexistent:${dir}`], capture: 'stdout' }),
  );
  t.same(r, { out: 'argv0=qga-only-here\n', exitcode: 0 }, 'found through env PATH; argv[0] is the name given');

  writeFileSync(join(dir, 'not-exec'), '#!/bin/sh\n');
  chmodSync(join(dir, 'not-exec'), 0o644);
  t.equal(await rejectionCode(exec.spawn({ path: 'not-exec', args: [], env: [`PATH=${dir}`], capture: 'none' })), 'EACCES');
});

t.test('spawn errors reject with errno codes and nothing runs', async (t) => {
  t.equal(await rejectionCode(exec.spawn({ path: '/bin/invalid-cmd42', args: [], capture: 'separated' })), 'ENOENT');
  t.equal(await rejectionCode(exec.spawn({ path: 'invalid-cmd42', args: [], capture: 'merged' })), 'ENOENT');
  t.equal(await rejectionCode(exec.spawn({ path: '/etc', args: [], capture: 'none' })), 'EACCES');
});

t.test('an argument holding U+0000 reaches the program as the bytes C0 80 (modified UTF-8, as qemu-ga)', async (t) => {
  const echoed = await finish(
    await exec.spawn({ path: '/bin/sh', args: ['-c', 'printf %s "$1" | od -An -tx1', 'sh', 'a\0b\\n'], capture: 'stdout' }),
  );
  t.same(echoed.out?.trim().split(/\s+/), ['61', 'c0', '80', '62', '5c', '6e'], 'a C0 80 b, and a backslash stays a backslash');
  t.equal(echoed.exitcode, 0);
});

t.test('env replaces the environment', async (t) => {
  const r = await finish(
    await exec.spawn({ path: '/usr/bin/env', args: [], env: ['FOO=bar', 'EMPTY=', 'FOO=second', 'NOEQUALS'], capture: 'stdout' }),
  );
  // tap's process-info hook patches child_process and adds NODE_OPTIONS and _TAPJS_* (some multi-line) to every child; not ours.
  const ours = r.out!.split('\n').filter((l) => l !== '' && !/^(_TAPJS_|NODE_OPTIONS=|\/)/.test(l));
  t.same(ours, ['FOO=bar', 'EMPTY='], 'exactly the given variables; the first definition wins');
  t.equal(r.exitcode, 0);
  const inherited = await finish(await exec.spawn({ path: '/usr/bin/env', args: [], capture: 'stdout' }));
  t.match(inherited.out, /^PATH=/m, 'without env the agent environment is inherited');
});

t.test('stdin: input bytes, or /dev/null', async (t) => {
  const input = Buffer.from([0, 1, 2, 255, 10, 65]);
  let r = await finish(await exec.spawn({ path: 'od', args: ['-An', '-tx1'], input, capture: 'stdout' }));
  t.equal(r.out?.trim(), '00 01 02 ff 0a 41');
  r = await finish(await exec.spawn({ path: 'sh', args: ['-c', 'readlink /proc/self/fd/0; wc -c'], capture: 'stdout' }));
  t.same(r, { out: '/dev/null\n0\n', exitcode: 0 });
  const big = Buffer.alloc(4 * 1024 * 1024, 0x78);
  r = await finish(await exec.spawn({ path: 'wc', args: ['-c'], input: big, capture: 'stdout' }));
  t.equal(r.out?.trim(), String(big.length), 'a 4 MiB input is delivered whole');
  r = await finish(await exec.spawn({ path: 'true', args: [], input: big, capture: 'none' }));
  t.same(r, { exitcode: 0 }, 'a child that never reads its input does not break anything');
});

t.test('capture modes: none, stdout, stderr, separated, merged', async (t) => {
  const script = 'for i in 1 2 3 4 5; do echo out$i; echo err$i >&2; done; exit 3';
  const run = (capture: 'none' | 'stdout' | 'stderr' | 'separated' | 'merged') =>
    exec.spawn({ path: 'bash', args: ['-c', script], capture }).then(finish);
  t.same(await run('none'), { exitcode: 3 });
  t.same(await run('stdout'), { out: 'out1\nout2\nout3\nout4\nout5\n', exitcode: 3 });
  t.same(await run('stderr'), { err: 'err1\nerr2\nerr3\nerr4\nerr5\n', exitcode: 3 });
  t.same(await run('separated'), { out: 'out1\nout2\nout3\nout4\nout5\n', err: 'err1\nerr2\nerr3\nerr4\nerr5\n', exitcode: 3 });
  t.same(
    await run('merged'),
    { out: 'out1\nerr1\nout2\nerr2\nout3\nerr3\nout4\nerr4\nout5\nerr5\n', exitcode: 3 },
    'interleaved in write order, no err stream',
  );

  const p = await exec.spawn({ path: 'sh', args: ['-c', 'readlink /proc/self/fd/1 /proc/self/fd/2'], capture: 'merged' });
  const links = (await finish(p)).out!.trim().split('\n');
  t.equal(links.length, 2);
  t.equal(links[0], links[1], 'fd 1 and fd 2 are the same socket');
  t.match(links[0], /^socket:\[\d+\]$/);
});

t.test('merged output of a chatty process arrives complete', async (t) => {
  const r = await finish(
    await exec.spawn({ path: 'bash', args: ['-c', 'for i in $(seq 1 20000); do echo "o$i"; echo "e$i" >&2; done'], capture: 'merged' }),
  );
  const lines = r.out!.split('\n').filter((l) => l !== '');
  t.equal(lines.length, 40000);
  t.equal(lines[0], 'o1');
  t.equal(lines[1], 'e1');
  t.equal(lines[39999], 'e20000');
});

t.test('exit code vs signal', async (t) => {
  t.same(await finish(await exec.spawn({ path: 'sh', args: ['-c', 'exit 42'], capture: 'none' })), { exitcode: 42 });
  t.same(await finish(await exec.spawn({ path: 'sh', args: ['-c', 'kill -TERM $$'], capture: 'none' })), {
    signal: constants.signals.SIGTERM,
  });
  const p = await exec.spawn({ path: 'sleep', args: ['30'], capture: 'separated' });
  p.kill('SIGKILL');
  t.same(await finish(p), { out: '', err: '', signal: 9 });
  const q = await exec.spawn({ path: 'sleep', args: ['30'], capture: 'none' });
  q.kill(15);
  t.same(await finish(q), { signal: 15 }, 'kill accepts a signal number');
});

t.test('the child has SIGPIPE at its default although the agent ignores it', async (t) => {
  const r = await finish(await exec.spawn({ path: 'sh', args: ['-c', 'grep -E "^Sig(Ign|Blk)" /proc/self/status'], capture: 'stdout' }));
  const ign = BigInt('0x' + /SigIgn:\s+([0-9a-f]+)/.exec(r.out!)![1]);
  t.equal((ign >> BigInt(constants.signals.SIGPIPE - 1)) & 1n, 0n, 'SIGPIPE not ignored');
  // And it works: a writer into a closed pipe dies of SIGPIPE (exit 141 from the shell's view).
  const pipe = await finish(
    await exec.spawn({ path: 'bash', args: ['-c', 'yes | head -c1 >/dev/null; echo ${PIPESTATUS[0]}'], capture: 'stdout' }),
  );
  t.equal(pipe.out, '141\n');
});

t.test('a grandchild holding the pipe keeps the stream open after the exit', async (t) => {
  const p = await exec.spawn({ path: 'sh', args: ['-c', 'sleep 1 & echo started'], capture: 'stdout' });
  const status = await p.exit;
  t.same(status, { exitcode: 0 });
  const t0 = Date.now();
  const r = await finish(p);
  t.equal(r.out, 'started\n');
  t.ok(Date.now() - t0 > 500, 'EOF only after the grandchild exits');
});

t.test('working directory is inherited', async (t) => {
  const r = await finish(await exec.spawn({ path: 'pwd', args: [], capture: 'stdout' }));
  t.equal(r.out, process.cwd() + '\n');
});
