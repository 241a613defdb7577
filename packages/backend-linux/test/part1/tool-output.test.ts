import t from 'tap';
import { errnoError } from '@qga/core';
import { ioctlFailure, trimErrorText } from '../../src/fsfreeze/index.js';
import { shutdownPlan, suspendNames, sysrqKeys } from '../../src/power/index.js';
import { findInPasswd, parsePasswdLine } from '../../src/ssh/index.js';
import { WallClock } from '../../src/time/index.js';
import { fopenFlags } from '../../src/files/index.js';
import { constants as c } from 'node:fs';

t.test('ioctl errors map to the protocol texts', async (t) => {
  const open = errnoError('ENOENT', 'open', '/x');
  t.same(ioctlFailure(open), { stage: 'open', errno: 'ENOENT', reason: 'No such file or directory' });
  t.same(ioctlFailure(errnoError('EOPNOTSUPP', 'ioctl', '/dev/shm')), {
    stage: 'ioctl',
    errno: 'EOPNOTSUPP',
    reason: 'Operation not supported',
  });
  t.same(ioctlFailure(new Error('native calls are unavailable (x)')), {
    stage: 'ioctl',
    errno: undefined,
    reason: 'native calls are unavailable (x)',
  });
  t.equal(trimErrorText(ioctlFailure(open)), 'failed to open: No such file or directory');
  t.equal(trimErrorText(ioctlFailure(errnoError('EACCES', 'open', '/x'))), 'failed to open: Permission denied');
  t.equal(trimErrorText(ioctlFailure(errnoError('ENOTTY', 'ioctl'))), 'trim not supported');
  t.equal(trimErrorText(ioctlFailure(errnoError('EOPNOTSUPP', 'ioctl'))), 'trim not supported');
  t.equal(trimErrorText(ioctlFailure(errnoError('EIO', 'ioctl'))), 'failed to trim: Input/output error');
  t.equal(trimErrorText(ioctlFailure(errnoError('EROFS', 'ioctl'))), 'failed to trim: Read-only file system');
});

t.test("shutdown plan: qemu-ga's program first, then the fallback chain", async (t) => {
  t.same(
    shutdownPlan('powerdown', '/sbin', true, true).map((s) => s.argv),
    [
      ['/sbin/poweroff'],
      ['systemctl', 'poweroff'],
      ['loginctl', 'poweroff'],
      ['shutdown', '-h', '-P', '+0', 'hypervisor initiated shutdown'],
      ['poweroff', '-f'],
    ],
  );
  t.same(
    shutdownPlan('halt', '/x', false, false).map((s) => s.argv),
    [
      ['/x/shutdown', '-h', '-H', '+0', 'hypervisor initiated shutdown'],
      ['systemctl', 'halt'],
      ['shutdown', '-h', '-H', '+0', 'hypervisor initiated shutdown'],
    ],
  );
  t.same(shutdownPlan('reboot', '/sbin', false, true)[0]!.argv, ['/sbin/shutdown', '-h', '-r', '+0', 'hypervisor initiated shutdown']);
  t.ok(shutdownPlan('reboot', '/sbin', false, true)[0]!.primary);
  t.same(sysrqKeys('powerdown'), ['s', 'u', 'o']);
  t.same(sysrqKeys('reboot'), ['s', 'u', 'b']);
  t.equal(sysrqKeys('halt'), undefined);
  t.same(suspendNames('hybrid'), { systemd: 'hybrid-sleep', pmFlag: '--suspend-hybrid', pmProgram: 'pm-suspend-hybrid', sysfs: undefined });
  t.equal(suspendNames('disk').sysfs, 'disk');
  t.equal(suspendNames('ram').sysfs, 'mem');
});

t.test('wall clock: microsecond resolution, follows clock changes', async (t) => {
  let wall = 1_700_000_000_000;
  let mono = 5_000_000_000n;
  const clock = new WallClock(
    () => wall,
    () => mono,
  );
  t.equal(clock.nowNs(), 1_700_000_000_000_000_000n);
  mono += 123_456n; // 123.456 µs later, same millisecond
  t.equal(clock.nowNs(), 1_700_000_000_000_123_000n, 'sub-millisecond part from the monotonic clock, truncated to µs');
  mono += 1_000_000n;
  wall += 1;
  t.equal(clock.nowNs(), 1_700_000_000_001_123_000n);
  wall = 1_800_000_000_000; // guest-set-time moved the clock
  mono += 10n;
  t.equal(clock.nowNs(), 1_800_000_000_000_000_000n, 're-anchored');
  const real = new WallClock();
  const now = real.nowNs();
  t.ok(now % 1000n === 0n && now > 1_700_000_000_000_000_000n && now > BigInt(Number.MAX_SAFE_INTEGER));
  t.ok(Math.abs(Number(now / 1_000_000n) - Date.now()) < 50);
});

t.test('passwd parsing', async (t) => {
  t.same(parsePasswdLine('alice:x:1000:1001:Alice,,,:/home/alice:/bin/bash'), { name: 'alice', uid: 1000, gid: 1001, home: '/home/alice' });
  t.equal(parsePasswdLine('broken:x:abc:1:x:/h:/s'), undefined);
  t.equal(parsePasswdLine('short:x:1'), undefined);
  const text = '# comment\n+nis\nroot:x:0:0:root:/root:/bin/bash\n1000:x:1234:1234::/home/numeric:/bin/sh\n';
  t.same(findInPasswd(text, '1000'), { name: '1000', uid: 1234, gid: 1234, home: '/home/numeric' });
  t.equal(findInPasswd(text, 'nobody'), undefined);
});

t.test('fopen modes map to open(2) flags', async (t) => {
  const common = c.O_NOCTTY | c.O_NONBLOCK | 0o2000000;
  const table: Array<[string, number]> = [
    ['r', c.O_RDONLY],
    ['rb', c.O_RDONLY],
    ['w', c.O_WRONLY | c.O_CREAT | c.O_TRUNC],
    ['wb', c.O_WRONLY | c.O_CREAT | c.O_TRUNC],
    ['a', c.O_WRONLY | c.O_CREAT | c.O_APPEND],
    ['ab', c.O_WRONLY | c.O_CREAT | c.O_APPEND],
    ['r+', c.O_RDWR],
    ['rb+', c.O_RDWR],
    ['r+b', c.O_RDWR],
    ['w+', c.O_RDWR | c.O_CREAT | c.O_TRUNC],
    ['wb+', c.O_RDWR | c.O_CREAT | c.O_TRUNC],
    ['w+b', c.O_RDWR | c.O_CREAT | c.O_TRUNC],
    ['a+', c.O_RDWR | c.O_CREAT | c.O_APPEND],
    ['ab+', c.O_RDWR | c.O_CREAT | c.O_APPEND],
    ['a+b', c.O_RDWR | c.O_CREAT | c.O_APPEND],
  ];
  for (const [mode, flags] of table) t.equal(fopenFlags(mode as never), flags | common, mode);
  t.throws(() => fopenFlags('x' as never));
});
