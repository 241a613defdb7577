import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { nativeAvailable } from '@qga/native-linux';
import { LinuxExec } from '../../src/exec/index.js';
import { exitStatusOfWait } from '../../src/exec/child-reaper.js';
import { finish } from './exec-helpers.js';
import { scratchDir } from './fixtures.js';

// What the posix_spawn route (native-spawn.ts) must keep identical to child_process; exec.test.ts
// runs the common behaviour (it takes this route wherever the native layer loads).
const exec = new LinuxExec();
const skip = nativeAvailable() ? false : 'the native layer does not load here (posix_spawn route unused)';

t.test('the inherited environment is the agent environment as it is now', { skip }, async (t) => {
  process.env['QGA_EXEC_NATIVE_TEST'] = 'one two';
  t.teardown(() => delete process.env['QGA_EXEC_NATIVE_TEST']);
  let r = await finish(await exec.spawn({ path: '/usr/bin/env', args: [], capture: 'stdout' }));
  t.match(r.out, /^QGA_EXEC_NATIVE_TEST=one two$/m, 'a variable set after start is passed on');
  delete process.env['QGA_EXEC_NATIVE_TEST'];
  r = await finish(await exec.spawn({ path: '/usr/bin/env', args: [], capture: 'stdout' }));
  t.notMatch(r.out, /QGA_EXEC_NATIVE_TEST/, 'and one deleted is not');
});

t.test('a script without #! runs through /bin/sh, as execvp runs it', { skip }, async (t) => {
  const dir = scratchDir(t);
  const script = join(dir, 'plain-script');
  writeFileSync(script, 'echo "args:$*"\n');
  chmodSync(script, 0o755);
  const r = await finish(await exec.spawn({ path: script, args: ['a', 'b c'], capture: 'stdout' }));
  t.same(r, { out: 'args:a b c\n', exitcode: 0 });
});

t.test('an environment entry holding U+0000 is refused as child_process refuses it', { skip }, async (t) => {
  await t.rejects(exec.spawn({ path: '/usr/bin/env', args: [], env: ['A=x\0y'], capture: 'none' }), { code: 'EINVAL' });
});

t.test('no descriptor leaks: 40 execs with input and both outputs captured', { skip }, async (t) => {
  const fds = (): number => readdirSync('/proc/self/fd').length;
  await finish(await exec.spawn({ path: 'cat', args: [], input: Buffer.from('warm'), capture: 'separated' }));
  const before = fds();
  for (let i = 0; i < 40; i++) {
    const r = await finish(
      await exec.spawn({
        path: 'sh',
        args: ['-c', 'cat; echo e >&2; ls /proc/self/fd | wc -l'],
        input: Buffer.from(`in${i}\n`),
        capture: 'separated',
      }),
    );
    t.equal(r.out, `in${i}\n4\n`, 'the child sees fds 0, 1, 2 (and the one ls opens)');
    if (r.out !== `in${i}\n4\n`) break;
  }
  await new Promise((r) => setTimeout(r, 100)); // sockets close on the next turns of the loop
  t.equal(fds(), before, 'the agent holds no more descriptors than before');
});

t.test('wait status decoding', async (t) => {
  t.same(exitStatusOfWait(0), { exitcode: 0 });
  t.same(exitStatusOfWait(42 << 8), { exitcode: 42 });
  t.same(exitStatusOfWait(9), { signal: 9 });
  t.same(exitStatusOfWait(15 | 0x80), { signal: 15 }, 'core dumped: still the signal');
});
