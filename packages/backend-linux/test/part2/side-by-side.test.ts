/**
 * Our inventory ports next to the real qemu-ga 7.2 on this machine: the same
 * commands, compared member by member. Every difference is named here:
 *  - fields qemu-ga 7.2 predates: `total-bytes-privileged` (9.1);
 *  - `serial` from sysfs when there is no udev database (qemu-ga: none);
 *  - documented fixes: single-quoted os-release values, unterminated quotes,
 *    lenient os-release lines, the 32-byte utmp user name;
 *  - guest-get-load (10.0) and guest-network-get-route (9.1) do not exist in
 *    7.2: it answers CommandNotFound.
 * Live counters (network, disk and cpu statistics, used bytes) are compared
 * as "ours, read after theirs, is not smaller".
 */
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { LinuxCpu } from '../../src/cpu/index.js';
import { LinuxLogins } from '../../src/logins/index.js';
import { LinuxMemory } from '../../src/memory/index.js';
import { LinuxNetwork } from '../../src/network/index.js';
import { LinuxStorage } from '../../src/storage/index.js';
import { LinuxSystemInfo } from '../../src/system-info/index.js';
import { fixture } from './fixtures.js';
import { QEMU_GA, QemuGa } from './qemu-ga-process.js';

const run = promisify(execFile);
type Obj = Record<string, unknown>;

/** Round-trip through JSON so bigints compare like qemu-ga's numbers. */
const wire = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)));

function withoutKeys(o: unknown, keys: string[]): unknown {
  if (Array.isArray(o)) return o.map((x) => withoutKeys(x, keys));
  if (typeof o !== 'object' || o === null) return o;
  return Object.fromEntries(
    Object.entries(o as Obj)
      .filter(([k]) => !keys.includes(k))
      .map(([k, v]) => [k, withoutKeys(v, keys)]),
  );
}

/** Every numeric member of `ours` is ≥ the same member of `theirs` (counters read later), same key set. */
type Asserts = Pick<typeof t, 'ok' | 'same'>;

function notBehind(t: Asserts, ours: Obj, theirs: Obj, what: string): void {
  t.same(Object.keys(ours).sort(), Object.keys(theirs).sort(), `${what}: same members`);
  for (const [k, v] of Object.entries(theirs)) {
    // ios-pgr (I/Os in flight) is a gauge, not a counter.
    if (typeof v === 'number' && k !== 'ios-pgr') t.ok(Number(ours[k]) >= v, `${what}.${k}: ${String(ours[k])} ≥ ${v}`);
  }
}

/**
 * Other tests on this machine attach loop devices, mount and create
 * interfaces while we run. Ask qemu-ga, then us, then qemu-ga again, and use
 * the round where qemu-ga's two answers agree on `shape` (names, not counters).
 */
async function settled(
  ga: QemuGa,
  cmd: string,
  ours: () => Promise<unknown>,
  shape: (v: unknown) => unknown,
): Promise<{ theirs: unknown; ours: unknown }> {
  let last: { theirs: unknown; ours: unknown } | undefined;
  for (let i = 0; i < 5; i++) {
    const before = (await ga.call(cmd)).return;
    const o = wire(await ours());
    const after = (await ga.call(cmd)).return;
    last = { theirs: before, ours: o };
    if (JSON.stringify(shape(before)) === JSON.stringify(shape(after)) && JSON.stringify(shape(o)) === JSON.stringify(shape(after)))
      return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  return last!;
}

const names = (v: unknown): unknown => (v as Obj[]).map((x) => x['name'] ?? x['mountpoint']);

/**
 * Mount points that repeat an earlier major:minor (bind mounts). qemu-ga 7.2
 * lists them; qemu-ga's mount list (docs/commands.md#filesystem-freeze, shared with freeze) drops them.
 */
async function bindMountPoints(): Promise<Set<string>> {
  const { readFile } = await import('node:fs/promises');
  const seen = new Set<string>();
  const binds = new Set<string>();
  for (const line of (await readFile('/proc/self/mountinfo', 'utf8')).split('\n')) {
    const f = line.split(' ');
    if (f.length < 5 || f[2]!.startsWith('0:')) continue;
    const mp = f[4]!.replace(/\\([0-3][0-7][0-7])/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (seen.has(f[2]!)) binds.add(mp);
    seen.add(f[2]!);
  }
  return binds;
}

if (QEMU_GA === undefined) {
  t.test('side by side with qemu-ga', { skip: 'qemu-ga is not installed (apt-get install qemu-guest-agent)' }, async () => {});
} else {
  t.test('inventory commands side by side with qemu-ga 7.2', async (t) => {
    const ga = await QemuGa.start();
    t.teardown(() => ga.stop());
    const ret = async (cmd: string): Promise<unknown> => {
      const r = await ga.call(cmd);
      t.notOk(r.error, `${cmd} answered`);
      return r.return;
    };

    t.test('guest-get-osinfo: identical', async (t) => {
      t.same(wire(await new LinuxSystemInfo().osInfo()), await ret('guest-get-osinfo'));
    });
    t.test('guest-get-host-name: identical', async (t) => {
      t.same({ 'host-name': await new LinuxSystemInfo().hostName() }, await ret('guest-get-host-name'));
    });
    t.test('guest-get-timezone: identical', async (t) => {
      t.same(wire(await new LinuxSystemInfo().timezone()), await ret('guest-get-timezone'));
    });
    t.test('guest-get-users: same users (qemu-ga reads utmp; we ask logind first)', async (t) => {
      const theirs = (await ret('guest-get-users')) as Obj[];
      const ours = wire(await new LinuxLogins().loggedIn()) as Obj[];
      const sortByUser = (l: Obj[]) => [...l].sort((a, b) => String(a['user']).localeCompare(String(b['user'])));
      t.same(
        sortByUser(ours).map((u) => u['user']),
        sortByUser(theirs).map((u) => u['user']),
      );
      // Where logind runs, its session start and the utmp record written by login/sshd differ by a moment.
      for (const [i, u] of sortByUser(theirs).entries()) {
        t.ok(Math.abs(Number(sortByUser(ours)[i]?.['login-time']) - Number(u['login-time'])) < 5, `${String(u['user'])}: login time`);
      }
    });
    t.test('guest-get-vcpus: identical, same readdir order', async (t) => {
      t.same(wire(await new LinuxCpu().vcpus()), await ret('guest-get-vcpus'));
    });
    t.test('guest-get-memory-blocks: identical, same readdir order', async (t) => {
      t.same(wire(await new LinuxMemory().blocks()), await ret('guest-get-memory-blocks'));
    });
    t.test('guest-get-memory-block-info: identical', async (t) => {
      t.same(wire(await new LinuxMemory().blockInfo()), await ret('guest-get-memory-block-info'));
    });

    t.test('guest-network-get-interfaces: same interfaces, order, MACs and addresses', async (t) => {
      const net = new LinuxNetwork();
      const r = await settled(
        ga,
        'guest-network-get-interfaces',
        () => net.interfaces(),
        (v) => withoutKeys(v, ['statistics']),
      );
      const theirs = r.theirs as Obj[];
      const ours = r.ours as Obj[];
      t.same(withoutKeys(ours, ['statistics']), withoutKeys(theirs, ['statistics']));
      for (const [i, th] of theirs.entries()) {
        const o = ours[i]!;
        t.equal('statistics' in o, 'statistics' in th, `${String(th['name'])}: statistics present in both or neither`);
        if (th['statistics'] !== undefined)
          notBehind(t, o['statistics'] as Obj, th['statistics'] as Obj, `${String(th['name'])}.statistics`);
      }
    });

    t.test('guest-get-fsinfo: same mounts, names, types, disk addresses', async (t) => {
      const storage = new LinuxStorage();
      const r = await settled(
        ga,
        'guest-get-fsinfo',
        () => storage.filesystems(),
        (v) => (v as Obj[]).map((f) => f['mountpoint']),
      );
      const binds = await bindMountPoints();
      const all = r.theirs as Obj[];
      const ours = r.ours as Obj[];
      // Named difference: qemu-ga 7.2 also lists bind mounts of a device already listed.
      const theirs = all.filter((f) => !binds.has(String(f['mountpoint'])));
      t.same(
        all.filter((f) => binds.has(String(f['mountpoint']))).map((f) => f['mountpoint']),
        [...binds].filter((b) => all.some((f) => f['mountpoint'] === b)),
        `bind mounts only qemu-ga 7.2 lists: ${JSON.stringify([...binds])}`,
      );
      // Named differences: total-bytes-privileged is new in 9.1; serial comes from sysfs without udev.
      t.same(
        withoutKeys(ours, ['used-bytes', 'total-bytes', 'total-bytes-privileged', 'serial']),
        withoutKeys(theirs, ['used-bytes', 'total-bytes']),
      );
      for (const [i, th] of theirs.entries()) {
        const o = ours[i]!;
        t.notOk('total-bytes-privileged' in th, 'qemu-ga 7.2 predates total-bytes-privileged');
        t.equal('total-bytes' in o, 'total-bytes' in th);
        if (typeof th['total-bytes'] === 'number') {
          t.ok(Math.abs(Number(o['total-bytes']) - th['total-bytes']) < 2 ** 30, 'total-bytes (live) within 1 GiB');
          t.ok(Number(o['total-bytes-privileged']) >= Number(o['total-bytes']));
        }
      }
    });

    t.test('guest-get-disks: identical but for the sysfs serial', async (t) => {
      const storage = new LinuxStorage();
      const r = await settled(ga, 'guest-get-disks', () => storage.disks(), names);
      t.same(withoutKeys(r.ours, ['serial']), withoutKeys(r.theirs, ['serial']));
    });

    t.test('guest-get-diskstats: same devices and members, counters not behind', async (t) => {
      const storage = new LinuxStorage();
      const r = await settled(ga, 'guest-get-diskstats', () => storage.diskStats(), names);
      const theirs = r.theirs as Obj[];
      const ours = r.ours as Obj[];
      t.same(
        ours.map((d) => [d['name'], d['major'], d['minor']]),
        theirs.map((d) => [d['name'], d['major'], d['minor']]),
      );
      for (const [i, th] of theirs.entries()) notBehind(t, ours[i]!['stats'] as Obj, th['stats'] as Obj, String(th['name']));
    });

    t.test('guest-get-cpustats: same cpus and members, counters not behind', async (t) => {
      const theirs = (await ret('guest-get-cpustats')) as Obj[];
      const ours = wire(await new LinuxCpu().stats()) as Obj[];
      t.equal(ours.length, theirs.length);
      for (const [i, th] of theirs.entries()) notBehind(t, ours[i]!, th, `cpu${String(th['cpu'])}`);
    });

    t.test('guest-get-load and guest-network-get-route do not exist in 7.2', async (t) => {
      for (const cmd of ['guest-get-load', 'guest-network-get-route']) {
        const r = await ga.call(cmd);
        t.same(r.error, { class: 'CommandNotFound', desc: `The command ${cmd} has not been found` });
      }
      const load = await new LinuxSystemInfo().load();
      t.ok(load.load1m >= 0 && load.load5m >= 0 && load.load15m >= 0);
      const routes = await new LinuxNetwork().routes();
      const { stdout } = await run('ip', ['-4', 'route', 'show', 'default']);
      const gw = /via (\S+)/.exec(stdout)?.[1];
      if (gw !== undefined)
        t.ok(
          routes.some((r) => r.version === 4 && r.destination === '0.0.0.0' && r.gateway === gw),
          `default route via ${gw}`,
        );
    });
  });

  t.test('os-release files (QGA_OS_RELEASE) side by side', async (t) => {
    // Members where we deliberately differ (docs/upstream-bugs.md fixes and robustness); everything else must match.
    const differs: Record<string, string[]> = {
      'quoting-mix': ['version', 'pretty-name'],
      'single-quotes': ['name', 'id', 'pretty-name'],
    };
    for (const name of await readdir(fixture('os-release-cases'))) {
      const path = fixture('os-release-cases', name);
      const ga = await QemuGa.start({ env: { QGA_OS_RELEASE: path } });
      const theirs = (await ga.call('guest-get-osinfo')).return as Obj;
      await ga.stop();
      const ours = wire(await new LinuxSystemInfo({ env: { QGA_OS_RELEASE: path } }).osInfo()) as Obj;
      if (name === 'bad-line') {
        t.same(Object.keys(theirs).sort(), ['kernel-release', 'kernel-version', 'machine'], 'bad-line: qemu-ga drops the whole file');
        t.same([ours['id'], ours['name']], ['a', 'b'], 'bad-line: we skip only the bad line');
        continue;
      }
      const skip = differs[name] ?? [];
      t.same(
        withoutKeys(ours, skip),
        withoutKeys(theirs, skip),
        `${name}: same members and values${skip.length > 0 ? ` except ${skip.join(', ')}` : ''}`,
      );
      for (const k of skip)
        t.not(
          ours[k],
          theirs[k],
          `${name}: ${k} differs on purpose (ours ${JSON.stringify(ours[k])}, qemu-ga ${JSON.stringify(theirs[k])})`,
        );
    }
  });

  t.test('TZ values side by side', async (t) => {
    // Not compared: Jn rules (GLib counts them from 0), right/ zones (GLib misreads leap-second
    // data), and TZ=/etc/passwd (qemu-ga 7.2 hangs; we answer UTC).
    const values = [
      undefined,
      '',
      'UTC',
      'Europe/Paris',
      ':Europe/Paris',
      'America/New_York',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
      '/usr/share/zoneinfo/Asia/Tokyo',
      '+05:30',
      '-0800',
      'Z',
      'EST5EDT',
      'NZST-12NZDT,M9.5.0,M4.1.0/3',
      '<+0330>-3:30',
      'XYZ3',
      'JST-9',
      'Bogus/Zone',
      'ABC5DEF',
    ];
    for (const tz of values) {
      const ga = await QemuGa.start({ env: { TZ: tz } });
      const theirs = (await ga.call('guest-get-timezone')).return;
      await ga.stop();
      const env: Record<string, string | undefined> = { ...process.env, TZ: tz };
      if (tz === undefined) delete env['TZ'];
      t.same(wire(await new LinuxSystemInfo({ env }).timezone()), theirs, `TZ=${tz === undefined ? '(unset)' : JSON.stringify(tz)}`);
    }
  });

  t.test('utmp users side by side (private mount namespace with a fixture /run/utmp)', async (t) => {
    let ga: QemuGa;
    try {
      ga = await QemuGa.start({ shellPrefix: `mount -t tmpfs none /run && cp '${fixture('desktop/utmp')}' /run/utmp` });
    } catch {
      t.pass('skipped: needs root and unshare -m');
      return;
    }
    const theirs = (await ga.call('guest-get-users')).return as Obj[];
    await ga.stop();
    const ours = wire(await new LinuxLogins({ utmpPath: fixture('desktop/utmp'), systemdRunDir: '/nonexistent' }).loggedIn()) as Obj[];
    t.same(ours.slice(0, 2), theirs.slice(0, 2), 'alice and bob: same earliest login times');
    t.equal(ours[2]!['user'], 'averyveryveryverylongusername_32');
    t.equal(theirs[2]!['user'], 'averyveryveryverylongusername_32198.51.100.7', 'qemu-ga reads past the 32-byte ut_user into ut_host');
    t.equal(ours[2]!['login-time'], theirs[2]!['login-time']);
  });

  t.test('network namespace with down, carrier-less, alias and tun interfaces', async (t) => {
    const ns = `qga-p2-${process.pid}`;
    // `ip netns add` turns /run/netns into a bind mount; undo that afterwards if we caused it.
    const hadNetnsMount =
      (await bindMountPoints()).has('/run/netns') ||
      (await run('mountpoint', ['-q', '/run/netns']).then(
        () => true,
        () => false,
      ));
    try {
      await run('ip', ['netns', 'add', ns]);
    } catch {
      t.pass('skipped: needs root and iproute2 netns support');
      return;
    }
    t.teardown(async () => {
      await run('ip', ['netns', 'del', ns]).catch(() => undefined);
      const left = await readdir('/run/netns').catch(() => ['?']);
      if (!hadNetnsMount && left.length === 0) await run('umount', ['/run/netns']).catch(() => undefined);
    });
    const ipn = (...a: string[]) => run('ip', ['-n', ns, ...a]);
    await ipn('link', 'set', 'lo', 'up');
    await ipn('link', 'add', 'xveth', 'type', 'veth', 'peer', 'name', 'yveth');
    await ipn('addr', 'add', '198.51.100.5/24', 'dev', 'xveth');
    await ipn('addr', 'add', '198.51.100.6/25', 'dev', 'xveth', 'label', 'xveth:1');
    await ipn('addr', 'add', '2001:db8:2::2/64', 'dev', 'xveth', 'nodad');
    await ipn('addr', 'add', '2001:db8:3::3/64', 'dev', 'xveth', 'nodad');
    await ipn('link', 'set', 'xveth', 'up'); // peer down: no carrier
    let optional = 0;
    for (const cmd of [
      ['link', 'add', 'xifb', 'type', 'ifb'],
      ['addr', 'add', '203.0.113.7/32', 'dev', 'xifb'],
      ['addr', 'add', '2001:db8::7/64', 'dev', 'xifb'],
      ['tuntap', 'add', 'mode', 'tun', 'name', 'xtun'],
      ['addr', 'add', '10.9.0.1/30', 'dev', 'xtun'],
      ['link', 'set', 'xtun', 'up'],
    ]) {
      await ipn(...cmd).then(
        () => optional++,
        () => undefined,
      );
    }
    const ga = await QemuGa.start({ wrap: ['ip', 'netns', 'exec', ns] });
    const theirs = (await ga.call('guest-network-get-interfaces')).return as Obj[];
    await ga.stop();
    const req = createRequire(import.meta.url);
    const script = `
      await import(${JSON.stringify(pathToFileURL(req.resolve('reflect-metadata')).href)});
      const { LinuxNetwork } = await import(${JSON.stringify(new URL('../../src/network/index.js', import.meta.url).href)});
      const r = await new LinuxNetwork().interfaces();
      process.stdout.write(JSON.stringify(r, (k, v) => typeof v === 'bigint' ? Number(v) : v));`;
    const { stdout } = await run('ip', ['netns', 'exec', ns, process.execPath, '--input-type=module', '-e', script]);
    const ours = JSON.parse(stdout) as Obj[];
    t.ok(
      theirs.some((i) => i['name'] === 'xveth:1'),
      'qemu-ga lists the alias label',
    );
    t.ok(optional >= 3 || theirs.length >= 4, 'scenario built');
    t.same(withoutKeys(ours, ['statistics']), withoutKeys(theirs, ['statistics']), 'identical apart from live counters');
    t.same(
      ours.map((i) => 'statistics' in i),
      theirs.map((i) => 'statistics' in i),
    );
  });
}
