import t from 'tap';
import { QgaError } from '@qga/core';
import { createMockGuest } from '../src/index.js';
import { MockCpu } from '../src/ports/mock-cpu.js';
import { MockFsFreeze, MockFsTrim } from '../src/ports/mock-fsfreeze.js';
import { MockMemory } from '../src/ports/mock-memory.js';
import { MockNetwork } from '../src/ports/mock-network.js';
import { MockPower } from '../src/ports/mock-power.js';
import { MockStorage } from '../src/ports/mock-storage.js';
import { MockSystemInfo, MockDevices } from '../src/ports/mock-system-info.js';
import { MockTime } from '../src/ports/mock-time.js';
import { MockUsers, MockSshKeys } from '../src/ports/mock-users.js';

t.test('freeze: reverse mount order, local mounts only, EBUSY/EOPNOTSUPP skipped, errors roll back', async (t) => {
  const guest = createMockGuest();
  const port = new MockFsFreeze(guest, guest.failures);
  t.equal(await port.freeze(), 2, '/ and /data; /run is tmpfs');
  t.same(
    guest.storage.mounts.map((m) => m.frozen),
    [true, false, true],
  );
  t.equal(await port.freeze(), 0, 'already frozen: EBUSY, skipped');
  t.equal(await port.thaw(), 2);
  t.equal(await port.thaw(), 0);
  t.equal(await port.freeze(['/data', '/nope']), 1, 'only listed mountpoints; unknown ones ignored');
  t.equal(guest.mount('/data')!.frozen, true);
  t.equal(await port.freeze([]), 0);
  await port.thaw();
  guest.mount('/')!.freezeSupported = false;
  t.equal(await port.freeze(), 1, 'EOPNOTSUPP skipped');
  await port.thaw();
  guest.mount('/')!.freezeSupported = true;
  guest.mount('/')!.freezeError = 'EIO';
  await t.rejects(port.freeze(), new QgaError('failed to freeze /: Input/output error'));
  t.same(
    guest.storage.mounts.map((m) => m.frozen),
    [false, false, false],
    '/data (frozen first, reverse order) was thawed again',
  );
  guest.mount('/data')!.frozen = true; // frozen by someone else
  guest.mount('/')!.freezeError = undefined;
  t.equal(await port.thaw(), 1, 'thaw thaws whatever is frozen');
});

t.test('fstrim: per-path results in reverse order', async (t) => {
  const guest = createMockGuest();
  const trim = new MockFsTrim(guest, guest.failures);
  t.same(await trim.trim(0n), [
    { path: '/data', trimmed: 99n * 1024n ** 3n, minimum: 0n },
    { path: '/', trimmed: 15n * 1024n ** 3n, minimum: 0n },
  ]);
  guest.mount('/')!.trim = { error: 'EOPNOTSUPP' };
  guest.mount('/data')!.trim = { granularity: 4096n, trimmed: 123n };
  t.same(await trim.trim(512n), [
    { path: '/data', trimmed: 123n, minimum: 4096n },
    { path: '/', error: 'trim not supported' },
  ]);
  guest.mount('/')!.trim = { error: 'EIO' };
  guest.mount('/data')!.trim = { openError: 'EACCES' };
  t.same(await trim.trim(0n), [
    { path: '/data', error: 'failed to open: Permission denied' },
    { path: '/', error: 'failed to trim: Input/output error' },
  ]);
});

t.test('fsinfo, disks, diskstats: shapes from the guest, results are copies', async (t) => {
  const guest = createMockGuest();
  const storage = new MockStorage(guest, guest.failures);
  const fs = await storage.filesystems();
  t.same(
    fs.map((f) => [f.name, f.mountpoint, f.type]),
    [
      ['vdb', '/data', 'xfs'],
      ['vda1', '/', 'ext4'],
    ],
  );
  t.same(
    [fs[1]!['used-bytes'], fs[1]!['total-bytes'], fs[1]!['total-bytes-privileged']],
    [5n * 1024n ** 3n, 20n * 1024n ** 3n, 21n * 1024n ** 3n],
  );
  t.equal(fs[1]!.disk[0]!['bus-type'], 'virtio');
  fs[1]!.disk[0]!.serial = 'changed';
  t.equal(guest.mount('/')!.disk![0]!.serial, 'QM-VDA-0001', 'callers cannot alter the guest through results');
  guest.mount('/data')!.totalBytes = undefined;
  t.equal((await storage.filesystems())[0]!['total-bytes'], undefined, 'statvfs failure → sizes omitted');
  t.equal((await storage.disks()).length, 3);
  t.equal((await storage.diskStats())[0]!.name, 'vda');
});

t.test('vcpus: qemu-ga messages for cpu0 and unknown CPUs', async (t) => {
  const guest = createMockGuest();
  const cpu = new MockCpu(guest, guest.failures);
  t.same(await cpu.vcpus(), [
    { 'logical-id': 0, online: true, 'can-offline': false },
    { 'logical-id': 1, online: true, 'can-offline': true },
  ]);
  await cpu.setOnline(1, false);
  t.equal(guest.cpus[1]!.online, false);
  await cpu.setOnline(0, true);
  await t.rejects(cpu.setOnline(0, false), new QgaError("logical processor #0 can't be offlined"));
  await t.rejects(cpu.setOnline(99, true), new QgaError('open("/sys/devices/system/cpu/cpu99/"): No such file or directory'));
  t.same((await cpu.stats())[1], {
    type: 'linux',
    cpu: 1,
    user: 800n,
    nice: 10n,
    system: 400n,
    idle: 91000n,
    iowait: 10n,
    irq: 0n,
    softirq: 3n,
    steal: 0n,
    guest: 0n,
    guestnice: 0n,
  });
});

t.test('memory blocks: responses as qemu-ga gives them', async (t) => {
  const guest = createMockGuest();
  const mem = new MockMemory(guest, guest.failures);
  t.equal((await mem.blocks()).length, 8);
  t.same(await mem.blockInfo(), { size: 134217728n });
  t.same(await mem.setBlock({ physIndex: 999999n, online: true }), { 'phys-index': 999999n, response: 'not-found', 'error-code': 2 });
  t.same(await mem.setBlock({ physIndex: 3n, online: true }), { 'phys-index': 3n, response: 'success' }, 'already online');
  t.same(await mem.setBlock({ physIndex: 3n, online: false }), { 'phys-index': 3n, response: 'success' });
  t.equal(guest.memory.blocks[3]!.online, false);
  t.same(await mem.setBlock({ physIndex: 0n, online: false }), { 'phys-index': 0n, response: 'operation-not-supported' });
  guest.memory.blocks[4]!.failWith = 'EBUSY';
  t.same(await mem.setBlock({ physIndex: 4n, online: false }), { 'phys-index': 4n, response: 'operation-failed', 'error-code': 16 });
  guest.memory.blocks.length = 0;
  await t.rejects(mem.blocks(), new QgaError('guest reported zero memory blocks!'));
  guest.memory.sysfs = false;
  t.same(await mem.blocks(), [], 'no sysfs directory: empty list');
  await t.rejects(mem.blockInfo(), /No such file or directory/);
});

t.test('users: one entry per user with the earliest login; passwords recorded', async (t) => {
  const guest = createMockGuest();
  guest.users.logins.push({ user: 'user', time: 1600000000.5 }, { user: 'root', time: 1800000000 });
  const users = new MockUsers(guest, guest.failures);
  t.same(await users.loggedIn(), [
    { user: 'user', 'login-time': 1600000000.5 },
    { user: 'root', 'login-time': 1700000100.5 },
  ]);
  await users.setPassword('user', 'secret', false);
  t.same([guest.account('user')!.password, guest.account('user')!.crypted], ['secret', false]);
  await t.rejects(users.setPassword('ghost', 'x', false), /^child process has failed to set user password: chpasswd: \(user ghost\)/);
});

t.test('ssh keys live in the mock filesystem with the right modes', async (t) => {
  const guest = createMockGuest();
  const ssh = new MockSshKeys(guest, guest.failures);
  t.equal(await ssh.keysFile('user'), '/home/user/.ssh/authorized_keys');
  await t.rejects(ssh.keysFile('ghost'), new QgaError("failed to lookup user 'ghost': Success"));
  t.equal(await ssh.read('user'), null);
  await ssh.write('user', 'k1\nk2');
  t.equal(guest.authorizedKeys('user'), 'k1\nk2');
  t.same(guest.fs.stat('/home/user/.ssh'), { kind: 'dir', size: 0, mode: 0o700, uid: 1000, gid: 1000 });
  t.same(guest.fs.stat('/home/user/.ssh/authorized_keys'), { kind: 'file', size: 5, mode: 0o600, uid: 1000, gid: 1000 });
  t.equal(await ssh.read('user'), 'k1\nk2');
  guest.fs.chmod('/home/user/.ssh/authorized_keys', 0);
  await t.rejects(ssh.read('user'), { code: 'EACCES' });
  guest.addUser('nohome', { home: '/nonexistent' });
  await t.rejects(ssh.write('nohome', 'k'), new QgaError("failed to create directory '/nonexistent/.ssh': No such file or directory"));
});

t.test('power: actions recorded, unsupported suspend refused', async (t) => {
  const guest = createMockGuest({ clock: 5_000n });
  const power = new MockPower(guest, guest.failures);
  await power.shutdown('reboot');
  await power.suspend('ram');
  guest.power.suspendModes = ['disk'];
  await t.rejects(power.suspend('hybrid'), new QgaError('the requested suspend mode is not supported by the guest'));
  t.same(guest.power.history, [
    { kind: 'shutdown', mode: 'reboot', at: 5_000n },
    { kind: 'suspend', mode: 'ram', at: 5_000n },
  ]);
  guest.failNext('power.shutdown', 'child process has failed to shutdown: busy');
  await t.rejects(
    power.shutdown('halt'),
    new QgaError('child process has failed to shutdown: busy'),
    'a non-errno string becomes a QgaError',
  );
});

t.test('clock: real unless pinned; set-time moves the system clock and the RTC', async (t) => {
  const guest = createMockGuest();
  const time = new MockTime(guest, guest.failures);
  const real = BigInt(Date.now()) * 1_000_000n;
  t.ok(time.now() - real < 1_000_000_000n && real - time.now() < 1_000_000_000n, 'follows the real clock');
  t.equal(time.now() % 1000n, 0n, 'microsecond resolution');
  guest.clock.set(1_600_000_000_000_000_000n);
  t.equal(time.now(), 1_600_000_000_000_000_000n, 'pinned');
  guest.clock.advance(5n);
  t.equal(time.now(), 1_600_000_000_000_000_005n);
  await time.setTime(1_650_000_000_000_000_000n);
  t.equal(time.now(), 1_650_000_000_000_000_000n);
  t.ok(guest.clock.rtcNow() - 1_650_000_000_000_000_000n < 1_000_000_000n, 'RTC copied from the system clock');
  guest.clock.setRtc(1_000_000_000_000_000_000n);
  await time.setTime();
  t.ok(time.now() - 1_000_000_000_000_000_000n < 1_000_000_000n, 'system clock set from the RTC');
  guest.failNext('time.setTime', 'child process has failed to set hardware clock to system time: no RTC');
  await t.rejects(time.setTime(), new QgaError('child process has failed to set hardware clock to system time: no RTC'));
  guest.clock.useRealClock();
  t.ok(time.now() > 1_700_000_000_000_000_000n);
});

t.test('network, system info and devices return copies of the guest state', async (t) => {
  const guest = createMockGuest({ hostName: 'vm1' });
  const net = new MockNetwork(guest, guest.failures);
  const ifs = await net.interfaces();
  t.same(
    ifs.map((i) => i.name),
    ['lo', 'eth0'],
  );
  t.equal(ifs[1]!['hardware-address'], '52:54:00:12:34:56');
  ifs[1]!.name = 'x';
  t.equal(guest.network.interfaces[1]!.name, 'eth0');
  t.same(
    (await net.routes()).map((r) => r.version),
    [4, 4, 6],
  );
  const sys = new MockSystemInfo(guest, guest.failures);
  t.equal(await sys.hostName(), 'vm1');
  t.same(await sys.timezone(), { zone: 'UTC', offset: 0 });
  t.same(await sys.load(), { load1m: 0.25, load5m: 0.5, load15m: 0.75 });
  t.equal((await sys.osInfo()).id, 'mock');
  t.equal((await new MockDevices(guest, guest.failures).devices())[0]!.id!['vendor-id'], 0x1af4);
  guest.failNext('network.routes', 'ENOENT');
  await t.rejects(net.routes(), { code: 'ENOENT' });
});

t.test('an empty guest has nothing but a root directory', async (t) => {
  const guest = createMockGuest({ empty: true });
  t.same([guest.users.accounts, guest.storage.mounts, guest.cpus, guest.network.interfaces, guest.fs.list('/')], [[], [], [], [], []]);
  await t.rejects(guest.processes.spawn({ path: 'echo', args: [], capture: 'none' }), { code: 'ENOENT' });
});
