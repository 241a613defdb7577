import 'reflect-metadata';
import { networkInterfaces } from 'node:os';
import t from 'tap';
import {
  assembleInterfaces,
  globMatcher,
  hwAddressFromSysfs,
  inet6Ntop,
  LinuxNetwork,
  orderLikeNetlink,
  parseIfInet6,
  fromIfAddrs,
  parseProcNetDev,
  parseRouteV4,
  parseRouteV6,
} from '../../src/network/index.js';
import { NativeUnavailableError } from '@qga/native-linux';
import { fixture, fixtureConfig, readFixture } from './fixtures.js';
import { ifAddrsFromIpJson } from './ifaddrs-fixture.js';

const v6 = (s: string): Uint8Array => {
  const groups = s.split(':').map((g) => parseInt(g, 16));
  return Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 0xff]));
};

t.test('inet6Ntop matches glibc inet_ntop', async (t) => {
  t.equal(inet6Ntop(new Uint8Array(16)), '::');
  t.equal(inet6Ntop(v6('0:0:0:0:0:0:0:1')), '::1');
  t.equal(inet6Ntop(v6('0:0:0:0:0:0:0:2')), '::2', 'not ::0.0.0.2 (that is libuv)');
  t.equal(inet6Ntop(v6('0:0:0:0:0:0:102:304')), '::1.2.3.4', 'IPv4-compatible');
  t.equal(inet6Ntop(v6('0:0:0:0:0:ffff:c000:201')), '::ffff:192.0.2.1', 'IPv4-mapped');
  t.equal(inet6Ntop(v6('fe80:0:0:0:fc:ff:fe00:1')), 'fe80::fc:ff:fe00:1');
  t.equal(inet6Ntop(v6('2001:db8:0:0:1:0:0:1')), '2001:db8::1:0:0:1', 'a tie compresses the first run');
  t.equal(inet6Ntop(v6('1:0:0:1:0:0:0:1')), '1:0:0:1::1', 'the longest run wins');
  t.equal(inet6Ntop(v6('2001:db8:0:1:1:1:1:1')), '2001:db8:0:1:1:1:1:1', 'a single zero group is not compressed');
  t.equal(inet6Ntop(v6('2001:db8:0:0:0:0:0:0')), '2001:db8::');
});

t.test('/proc/net/dev', async (t) => {
  const vm = parseProcNetDev(await readFixture('this-vm/proc/net/dev'));
  t.same([...vm.keys()], ['lo', 'ifb0', 'ifb1', 'eth0']);
  const desk = parseProcNetDev(await readFixture('desktop/proc/net/dev'));
  t.same(desk.get('wlp0s20f3'), {
    'rx-bytes': 8821442091,
    'rx-packets': 7102442,
    'rx-errs': 0,
    'rx-dropped': 1204,
    'tx-bytes': 612044210,
    'tx-packets': 2210431,
    'tx-errs': 0,
    'tx-dropped': 0,
  });
  t.equal(desk.get('wg0')!['rx-bytes'], 18446744073709551615n, 'uint64 beyond 2^53 stays exact');
  t.equal(parseProcNetDev('eth0: 1 2 3\n').size, 0, 'fewer than 16 numbers: not a statistics line');
});

t.test('/proc/net/if_inet6 ordered like the netlink dump', async (t) => {
  const entries = orderLikeNetlink(parseIfInet6(await readFixture('desktop/proc/net/if_inet6')));
  t.same(
    entries.map((e) => [e.name, e.address, e.prefix]),
    [
      ['lo', '::1', 128],
      ['wlp0s20f3', '2001:db8:1:2a::12', 64],
      ['wlp0s20f3', '2001:db8:1:2a:b2a4:f1ff:fe1c:3d5e', 64],
      ['wlp0s20f3', 'fe80::b2a4:f1ff:fe1c:3d5e', 64],
      ['docker0', 'fe80::42:9eff:fe1d:2e3f', 64],
      ['vethd41a2c7', 'fe80::40f3:d4ff:fe09:a1b2', 64],
      ['wg0', 'fd42::1', 64],
    ],
  );
});

t.test('hardware addresses as SIOCGIFHWADDR gives them', async (t) => {
  t.equal(hwAddressFromSysfs('02:FC:00:00:00:01\n'), '02:fc:00:00:00:01');
  t.equal(hwAddressFromSysfs('\n'), '00:00:00:00:00:00', 'no address (tun, wireguard)');
  t.equal(hwAddressFromSysfs('0a:00:00:01\n'), '0a:00:00:01:00:00', '4-byte tunnel address');
  t.equal(
    hwAddressFromSysfs('80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:bc:de\n'),
    '80:00:02:08:fe:80',
    'InfiniBand: first 6 bytes',
  );
  t.equal(hwAddressFromSysfs('0.0.0.0'), undefined);
});

t.test('interface list assembled like qemu-ga walks getifaddrs', async (t) => {
  const { links, addresses } = fromIfAddrs(ifAddrsFromIpJson(await readFixture('desktop/ip-addr.json')));
  t.equal(links.length, 8);
  t.equal(links.find((l) => l.name === 'tun0')!.hwaddr, '00:00:00:00:00:00', 'no device address: zeros, like the ioctl');
  const stats = parseProcNetDev(await readFixture('desktop/proc/net/dev'));
  const list = assembleInterfaces(links, addresses, stats);
  t.same(
    list.map((i) => i.name),
    ['lo', 'enp0s31f6', 'wlp0s20f3', 'docker0', 'vethd41a2c7', 'virbr0', 'tun0', 'wg0', 'wlp0s20f3:0'],
    'every link in ifindex order, then IPv4 alias labels as new entries',
  );
  const alias = list[8]!;
  t.same(
    alias,
    {
      name: 'wlp0s20f3:0',
      'hardware-address': 'b0:a4:f1:1c:3d:5e',
      'ip-addresses': [{ 'ip-address': '192.168.1.99', 'ip-address-type': 'ipv4', prefix: 24 }],
    },
    'an alias has its device MAC and no statistics (not in /proc/net/dev)',
  );
  t.same(
    list[2]!['ip-addresses']!.map((a) => `${a['ip-address']}/${a.prefix}`),
    ['192.168.1.23/24', '2001:db8:1:2a::12/128', '2001:db8:1:2a:b2a4:f1ff:fe1c:3d5e/64', 'fe80::b2a4:f1ff:fe1c:3d5e/64'],
  );
  t.same(
    list[1],
    {
      name: 'enp0s31f6',
      'hardware-address': '54:e1:ad:0c:3f:11',
      'ip-addresses': [{ 'ip-address': '10.20.30.40', 'ip-address-type': 'ipv4', prefix: 24 }],
      statistics: stats.get('enp0s31f6'),
    },
    'a link without carrier keeps its address (os.networkInterfaces() drops it)',
  );
  const noIp = assembleInterfaces([{ name: 'ifb0', hwaddr: '0e:db:36:fb:d7:3a' }], [], stats);
  t.same(noIp, [{ name: 'ifb0', 'hardware-address': '0e:db:36:fb:d7:3a' }], 'no address: no ip-addresses and no statistics keys');
});

t.test('exclude globs', async (t) => {
  const m = globMatcher(['veth*', 'docker?', 'br-[0-9a-f]*', 'tap[!0]']);
  t.ok(m('vethd41a2c7'));
  t.ok(m('docker0'));
  t.notOk(m('docker10'));
  t.ok(m('br-3f2a'));
  t.notOk(m('br-zz'));
  t.ok(m('tap1'));
  t.notOk(m('tap0'));
  t.notOk(m('eth0'));
  t.notOk(globMatcher([])('anything'));
  t.ok(globMatcher(['a.b'])('a.b'));
  t.notOk(globMatcher(['a.b'])('axb'), 'regex characters are literal');
});

t.test('LinuxNetwork from getifaddrs entries: asked on every call', async (t) => {
  const entries = ifAddrsFromIpJson(await readFixture('desktop/ip-addr.json'));
  let calls = 0;
  const cfg = fixtureConfig('desktop', { sysRoot: fixture('sysfs-desktop/sys'), interfaceAddresses: () => (calls++, entries) });
  const net = new LinuxNetwork(cfg);
  const list = await net.interfaces();
  t.equal(list.length, 9);
  t.equal(list.find((i) => i.name === 'tun0')!['hardware-address'], '00:00:00:00:00:00');
  t.equal(list.find((i) => i.name === 'wg0')!.statistics!['rx-bytes'], 18446744073709551615n);
  const filtered = await new LinuxNetwork({ ...cfg, excludeInterfaces: ['veth*', 'docker*'] }).interfaces();
  t.same(
    filtered.map((i) => i.name),
    ['lo', 'enp0s31f6', 'wlp0s20f3', 'virbr0', 'tun0', 'wg0', 'wlp0s20f3:0'],
  );
  await net.interfaces();
  t.equal(calls, 3, "no caching: every call sees the kernel's current list");
});

t.test('LinuxNetwork on this machine: the native getifaddrs agrees with /sys/class/net', async (t) => {
  const list = await new LinuxNetwork().interfaces();
  const { readdir } = await import('node:fs/promises');
  const names = await readdir('/sys/class/net');
  t.same(
    list
      .filter((i) => !i.name.includes(':'))
      .map((i) => i.name)
      .sort(),
    [...names].sort(),
  );
  const lo = list.find((i) => i.name === 'lo');
  t.equal(lo?.['hardware-address'], '00:00:00:00:00:00');
  t.ok(
    lo?.['ip-addresses']?.some((a) => a['ip-address'] === '127.0.0.1' && a.prefix === 8),
    'lo 127.0.0.1/8',
  );
});

t.test('LinuxNetwork without the native layer: sysfs + if_inet6 + os.networkInterfaces()', async (t) => {
  const net = new LinuxNetwork(
    fixtureConfig('container', {
      sysRoot: fixture('sysfs-container/sys'),
      interfaceAddresses: () => {
        throw new NativeUnavailableError('native calls are unavailable (test)');
      },
    }),
  );
  const list = await net.interfaces();
  t.same(list.map((i) => i.name).slice(0, 2), ['lo', 'eth0'], 'links from /sys/class/net in ifindex order');
  const eth0 = list.find((i) => i.name === 'eth0')!;
  t.equal(eth0['hardware-address'], '0a:58:0a:f4:01:0b');
  const v4here = (networkInterfaces()['eth0'] ?? []).filter((a) => a.family === 'IPv4').map((a) => a.address);
  t.same(
    (eth0['ip-addresses'] ?? []).map((a) => a['ip-address']),
    [...v4here, 'fe80::85f:aff:fef4:10b'],
    'IPv4 from this process (os.networkInterfaces), IPv6 from the fixture if_inet6',
  );
});

t.test('routes', async (t) => {
  const vm = parseRouteV4(await readFixture('this-vm/proc/net/route'));
  t.same(vm[0], {
    iface: 'eth0',
    destination: '0.0.0.0',
    gateway: '192.0.2.1',
    mask: '0.0.0.0',
    metric: 0,
    flags: 3,
    refcnt: 0,
    use: 0,
    mtu: 0,
    window: 0,
    irtt: 0,
    version: 4,
  });
  t.equal(vm[1]!.mask, '255.255.255.0');
  t.equal(
    parseRouteV4('hdr\neth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n', false)[0]!.destination,
    '0.2.0.192',
    'big-endian host: no byte swap',
  );
  const v6 = parseRouteV6(await readFixture('desktop/proc/net/ipv6_route'));
  t.same(v6[4], {
    iface: 'wlp0s20f3',
    destination: '::',
    source: '::',
    nexthop: 'fe80::226:75ff:fe8a:1b2c',
    desprefixlen: '0',
    srcprefixlen: '0',
    metric: 600,
    flags: 3,
    refcnt: 3,
    use: 0,
    version: 6,
  });
  const lo = v6.find((r) => r.iface === 'lo' && r.destination === '::')!;
  t.equal(lo.metric, 4294967295, 'DEVIATION: upstream stores ffffffff in a C int and sends -1');
  t.equal(v6.find((r) => r.destination === '::1')!.flags, 0x80200001, 'DEVIATION: upstream sign-extends RTF_LOCAL flags');
  t.equal(parseRouteV6('garbage line\n').length, 0);
});

t.test(
  'LinuxNetwork.routes: IPv6 disabled still answers (fix of an upstream bug, docs/upstream-bugs.md#routes-without-ipv6)',
  async (t) => {
    const routes = await new LinuxNetwork(fixtureConfig('ipv6-disabled')).routes();
    t.same(
      routes.map((r) => [r.version, r.iface, r.destination, r.mask]),
      [
        [4, 'ens3', '0.0.0.0', '0.0.0.0'],
        [4, 'ens3', '10.0.2.0', '255.255.255.0'],
        [4, 'ens4', '192.168.16.0', '255.255.240.0'],
      ],
    );
    t.equal(routes[2]!.mtu, 1400);
    const both = await new LinuxNetwork(fixtureConfig('container')).routes();
    t.same(
      both.map((r) => r.version),
      [4, 4, 6, 6, 6, 6],
      'IPv4 first, then IPv6',
    );
    await t.rejects(new LinuxNetwork(fixtureConfig('desktop', { procRoot: '/nonexistent' })).routes(), {
      message: 'open("/nonexistent/net/route"): No such file or directory',
    });
  },
);
