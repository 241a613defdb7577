/**
 * Hundreds of interfaces and mounts: the parsers and the readers stay
 * correct and answer in milliseconds. Times are reported as comments (the
 * bench note in README.md), never asserted.
 */
import 'reflect-metadata';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { assembleInterfaces, fromIfAddrs, LinuxNetwork, parseProcNetDev } from '../../src/network/index.js';
import { LinuxStorage, parseDiskstats } from '../../src/storage/index.js';
import { fixtureConfig, scratch } from './fixtures.js';
import { ifAddrsFromIpJson } from './ifaddrs-fixture.js';

const N = 300;

function ipJson(n: number): string {
  const links = [];
  for (let i = 0; i < n; i++) {
    const b = i >> 8;
    const c = i & 0xff;
    links.push({
      ifindex: i + 1,
      ifname: i === 0 ? 'lo' : `veth${i}`,
      address: `02:00:00:00:${b.toString(16).padStart(2, '0')}:${c.toString(16).padStart(2, '0')}`,
      addr_info: [
        { family: 'inet', local: `10.${b}.${c}.1`, prefixlen: 24, label: i === 0 ? 'lo' : `veth${i}` },
        { family: 'inet6', local: `fd00::${i.toString(16)}:1`, prefixlen: 64 },
        { family: 'inet6', local: `fe80::${i.toString(16)}:1`, prefixlen: 64 },
      ],
    });
  }
  return JSON.stringify(links);
}

function netDev(n: number): string {
  let s = 'Inter-|   Receive\n face |bytes\n';
  for (let i = 0; i < n; i++) s += `${i === 0 ? 'lo' : `veth${i}`}: ${i} 1 0 0 0 0 0 0 ${i * 2} 2 0 0 0 0 0 0\n`;
  return s;
}

async function timed<T>(f: () => Promise<T> | T): Promise<{ v: T; ms: number }> {
  const t0 = performance.now();
  const v = await f();
  return { v, ms: performance.now() - t0 };
}

t.test(`pure parsers with ${N} interfaces and disks`, async (t) => {
  const json = ipJson(N);
  const dev = netDev(N);
  const { v: list, ms } = await timed(() => {
    const { links, addresses } = fromIfAddrs(ifAddrsFromIpJson(json));
    return assembleInterfaces(links, addresses, parseProcNetDev(dev));
  });
  t.equal(list.length, N);
  t.equal(list[N - 1]!.name, `veth${N - 1}`);
  t.equal(list[N - 1]!['ip-addresses']!.length, 3);
  t.equal(list[N - 1]!.statistics!['tx-bytes'], (N - 1) * 2);
  t.comment(`bench: parse + assemble ${N} interfaces: ${ms.toFixed(2)} ms`);
  let ds = '';
  for (let i = 0; i < N; i++) ds += ` 8 ${i} sd${i} 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n`;
  const d = await timed(() => parseDiskstats(ds));
  t.equal(d.v.length, N);
  t.comment(`bench: parse ${N} diskstats lines: ${d.ms.toFixed(2)} ms`);
});

t.test(`LinuxNetwork.interfaces with ${N} interfaces (getifaddrs entries + procfs)`, async (t) => {
  const dir = await scratch(t);
  const sys = join(dir, 'sys');
  await mkdir(join(sys, 'class/net'), { recursive: true });
  await Promise.all(
    Array.from({ length: N }, async (_v, i) => {
      const name = i === 0 ? 'lo' : `veth${i}`;
      const d = join(sys, 'devices/virtual/net', name);
      await mkdir(d, { recursive: true });
      await writeFile(
        join(d, 'address'),
        `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}\n`,
      );
      await writeFile(join(d, 'ifindex'), `${i + 1}\n`);
      await symlink(`../../devices/virtual/net/${name}`, join(sys, 'class/net', name));
    }),
  );
  await mkdir(join(dir, 'proc/net'), { recursive: true });
  await writeFile(join(dir, 'proc/net/dev'), netDev(N));
  const entries = ifAddrsFromIpJson(ipJson(N));
  const net = new LinuxNetwork(fixtureConfig('desktop', { sysRoot: sys, procRoot: join(dir, 'proc'), interfaceAddresses: () => entries }));
  await net.interfaces(); // warm-up (module loading)
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(await timed(() => net.interfaces()));
  t.equal(runs[0]!.v.length, N);
  t.same(runs[0]!.v[7], {
    name: 'veth7',
    'hardware-address': '02:00:00:00:00:07',
    'ip-addresses': [
      { 'ip-address': '10.0.7.1', 'ip-address-type': 'ipv4', prefix: 24 },
      { 'ip-address': 'fd00::7:1', 'ip-address-type': 'ipv6', prefix: 64 },
      { 'ip-address': 'fe80::7:1', 'ip-address-type': 'ipv6', prefix: 64 },
    ],
    statistics: {
      'rx-bytes': 7,
      'rx-packets': 1,
      'rx-errs': 0,
      'rx-dropped': 0,
      'tx-bytes': 14,
      'tx-packets': 2,
      'tx-errs': 0,
      'tx-dropped': 0,
    },
  });
  const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
  t.comment(
    `bench: guest-network-get-interfaces, ${N} interfaces: median ${ms[2]!.toFixed(1)} ms (min ${ms[0]!.toFixed(1)}, max ${ms[4]!.toFixed(1)})`,
  );
});

t.test(`LinuxStorage.filesystems with ${N} mounts (sysfs tree + real statfs)`, async (t) => {
  const dir = await scratch(t);
  const sys = join(dir, 'sys');
  const pciDir = join(sys, 'devices/pci0000:00/0000:00:05.0');
  await mkdir(join(sys, 'dev/block'), { recursive: true });
  await mkdir(pciDir, { recursive: true });
  await symlink('../../../bus/pci/drivers/virtio-pci', join(pciDir, 'driver'));
  let mountinfo = '';
  await Promise.all(
    Array.from({ length: N }, async (_v, i) => {
      const name = `sd${i}`;
      const dev = join(pciDir, `virtio3/host0/target0:0:${i}/0:0:${i}:0/block/${name}`);
      await mkdir(dev, { recursive: true });
      await writeFile(join(dev, 'uevent'), `MAJOR=65\nMINOR=${i}\nDEVNAME=${name}\nDEVTYPE=disk\n`);
      await symlink(
        `../../devices/pci0000:00/0000:00:05.0/virtio3/host0/target0:0:${i}/0:0:${i}:0/block/${name}`,
        join(sys, 'dev/block', `65:${i}`),
      );
      await mkdir(join(dir, 'mnt', name), { recursive: true });
    }),
  );
  for (let i = 0; i < N; i++)
    mountinfo += `${100 + i} 1 65:${i} / ${join(dir, 'mnt', `sd${i}`)} rw,relatime shared:1 - ext4 /dev/sd${i} rw\n`;
  await mkdir(join(dir, 'proc/self'), { recursive: true });
  await writeFile(join(dir, 'proc/self/mountinfo'), mountinfo);
  const storage = new LinuxStorage(fixtureConfig('desktop', { sysRoot: sys, procRoot: join(dir, 'proc'), udevDataDir: join(dir, 'udev') }));
  await storage.filesystems();
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(await timed(() => storage.filesystems()));
  const fs = runs[0]!.v;
  t.equal(fs.length, N);
  t.equal(fs[0]!.name, `sd${N - 1}`, 'reverse mount order');
  t.same(fs[N - 1]!.disk, [
    { 'pci-controller': { domain: 0, bus: 0, slot: 5, function: 0 }, 'bus-type': 'scsi', bus: 0, target: 0, unit: 0, dev: '/dev/sd0' },
  ]);
  t.same(fs[N - 2]!.disk[0]!.target, 1);
  t.ok(
    fs.every((f) => typeof f['total-bytes'] === 'number'),
    'every statfs answered',
  );
  const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
  t.comment(`bench: guest-get-fsinfo, ${N} mounts: median ${ms[2]!.toFixed(1)} ms (min ${ms[0]!.toFixed(1)}, max ${ms[4]!.toFixed(1)})`);
});
