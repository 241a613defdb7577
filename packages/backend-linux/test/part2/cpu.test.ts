import 'reflect-metadata';
import { chmod, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { LinuxCpu, parseProcStat, vcpuFromOnlineFile, vcpuIdsFromEntries } from '../../src/cpu/index.js';
import { copyFixture, fixtureConfig, readFixture } from './fixtures.js';

t.test('/proc/stat → guest-get-cpustats (ms with CLK_TCK 100)', async (t) => {
  const vm = parseProcStat(await readFixture('this-vm/proc/stat'), 100);
  t.equal(vm.length, 2);
  t.same(Object.keys(vm[0]!).sort(), [
    'cpu',
    'guest',
    'guestnice',
    'idle',
    'iowait',
    'irq',
    'nice',
    'softirq',
    'steal',
    'system',
    'type',
    'user',
  ]);
  const desktop = parseProcStat(await readFixture('desktop/proc/stat'), 100);
  t.same(
    desktop.map((c) => c.cpu),
    [0, 1, 2, 3, 4, 5, 6, 7],
    'the aggregate cpu line and the other lines are skipped',
  );
  t.same(desktop[0], {
    type: 'linux',
    cpu: 0,
    user: 2892010,
    nice: 4120,
    system: 804120,
    idle: 60698810,
    iowait: 61020,
    irq: 0,
    softirq: 91260,
    steal: 0,
    guest: 0,
    guestnice: 0,
  });
  t.same(
    parseProcStat('cpu0 1 2 3 4 5 6 7 8 9 10\n', 300)[0],
    {
      type: 'linux',
      cpu: 0,
      user: 3,
      nice: 6,
      system: 10,
      idle: 13,
      iowait: 16,
      irq: 20,
      softirq: 23,
      steal: 26,
      guest: 30,
      guestnice: 33,
    },
    'C integer division truncates',
  );
});

t.test('/proc/stat field-count rules (old kernels, malformed lines)', async (t) => {
  const old = parseProcStat(await readFixture('old-kernel/proc/stat'), 100);
  t.equal(old.length, 2, 'the 3-field cpu2 line stops parsing: cpu3 is never reached');
  t.same(
    Object.keys(old[0]!).sort(),
    ['cpu', 'idle', 'iowait', 'irq', 'nice', 'softirq', 'system', 'type', 'user'],
    '8 fields: no steal/guest',
  );
  t.notOk('iowait' in parseProcStat('cpu0 1 2 3 4\n', 100)[0]!, '5 fields: the four mandatory values only');
  t.ok('iowait' in parseProcStat('cpu0 1 2 3 4 5\n', 100)[0]!);
  const eight = parseProcStat('cpu0 1 2 3 4 5 6 7\n', 100)[0]!;
  t.ok('softirq' in eight && !('steal' in eight), '8 fields: irq+softirq, no steal');
  t.ok('steal' in parseProcStat('cpu0 1 2 3 4 5 6 7 8\n', 100)[0]!);
  t.same(parseProcStat('cpu0 1 2 3 x 5\ncpu1 1 2 3 4\n', 100), [], 'a non-number ends the values; 4 fields stop parsing');
  const big = parseProcStat('cpu5 18446744073709551615 0 0 0\n', 100)[0]!;
  t.equal(big.user, 184467440737095516150n, 'huge counters stay exact (bigint)');
});

t.test('vcpus from sysfs: readdir order, online file rules', async (t) => {
  t.same(vcpuIdsFromEntries(['cpuidle', 'cpu1', 'cpufreq', 'possible', 'cpu0', 'cpu12']), [1, 0, 12]);
  t.same(vcpuFromOnlineFile(0, undefined), { 'logical-id': 0, online: true, 'can-offline': false });
  t.same(vcpuFromOnlineFile(2, '0\n'), { 'logical-id': 2, online: false, 'can-offline': true });
  const vm = await new LinuxCpu(fixtureConfig('this-vm')).vcpus();
  t.same(
    [...vm].sort((a, b) => a['logical-id'] - b['logical-id']),
    [
      { 'logical-id': 0, online: true, 'can-offline': false },
      { 'logical-id': 1, online: true, 'can-offline': true },
    ],
  );
  const container = await new LinuxCpu(fixtureConfig('sysfs-container')).vcpus();
  t.same(
    [...container].sort((a, b) => a['logical-id'] - b['logical-id']).map((c) => [c['logical-id'], c.online, c['can-offline']]),
    [
      [0, true, false],
      [1, true, false],
      [2, false, true],
      [3, true, false],
    ],
  );
  await t.rejects(new LinuxCpu(fixtureConfig('desktop', { sysRoot: '/nonexistent' })).vcpus(), {
    message: 'failed to list entries: /nonexistent/devices/system/cpu: No such file or directory',
  });
});

t.test('setOnline writes the online file; errors as upstream', async (t) => {
  const root = await copyFixture(t, 'sysfs-container');
  const cpu = new LinuxCpu(fixtureConfig('sysfs-container', { sysRoot: join(root, 'sys') }));
  const online = join(root, 'sys/devices/system/cpu/cpu2/online');
  await cpu.setOnline(2, true);
  t.equal(await readFile(online, 'utf8'), '1\n', 'offline → online writes "1"');
  await utimes(online, 1_000_000, 1_000_000);
  await cpu.setOnline(2, true);
  t.equal((await stat(online)).mtimeMs, 1_000_000_000, 'already online: nothing written');
  await cpu.setOnline(2, false);
  t.equal((await readFile(online, 'utf8'))[0], '0');
  await cpu.setOnline(0, true);
  t.pass('no online file + online requested: success (cpu0 cannot be offline)');
  await t.rejects(cpu.setOnline(0, false), { message: "logical processor #0 can't be offlined", errorClass: 'GenericError' });
  await t.rejects(cpu.setOnline(9, true), { message: `open("${root}/sys/devices/system/cpu/cpu9/"): No such file or directory` });
  await rm(online);
  await writeFile(online, '');
  await t.rejects(cpu.setOnline(2, true), { message: `pread("${root}/sys/devices/system/cpu/cpu2//online"): unexpected EOF` });
  await chmod(online, 0o000);
  if (process.getuid?.() !== 0) {
    await t.rejects(cpu.setOnline(2, true), { message: /^open\(".*cpu2\/\/online"\): Permission denied$/ });
  }
});

t.test('stats use CLK_TCK from sysconf (the native layer)', async (t) => {
  const cpu = new LinuxCpu(fixtureConfig('desktop'));
  const tck = await cpu.clockTicks();
  t.ok(Number.isInteger(tck) && tck > 0);
  const stats = await cpu.stats();
  t.equal(stats.length, 8);
  t.equal(stats[0]!.user, Math.floor((289201 * 1000) / tck));
  const { spawnSync } = await import('node:child_process');
  t.equal(tck, Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()), 'the value getconf reports');
  const broken = new LinuxCpu(
    fixtureConfig('desktop', {
      clockTicks: () => {
        throw new Error('native calls are unavailable (test)');
      },
    }),
  );
  t.equal(await broken.clockTicks(), 100, 'no native layer: USER_HZ 100');
  await t.rejects(new LinuxCpu(fixtureConfig('desktop', { procRoot: '/nonexistent' })).stats(), {
    message: 'open("/nonexistent/stat"): No such file or directory',
  });
});
