// The pure parsers of Win32 data, on fixtures (raw buffers captured under Wine, see fixtures/README.md).
import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseAdapterAddresses } from '../src/network/adapter-addresses.js';
import { parseForwardTable } from '../src/network/forward-table.js';
import { interfaceStatistics, interfaceMtu, MIB_IF_ROW2_SIZE } from '../src/network/interface-row.js';
import { formatIpv6, ipv4Mask, parseSockaddr } from '../src/network/socket-address.js';
import { countLogicalProcessors } from '../src/cpu/processor-records.js';
import { buildOsInfo, parseOsVersionInfo } from '../src/system-info/os-info.js';
import { parseTimeZone } from '../src/system-info/time-zone.js';
import { sessionUsers } from '../src/users/session-users.js';
import { diskBusType } from '../src/storage/bus-type.js';
import { parseDeviceDescriptor, parseScsiAddress, parseVolumeDiskExtents } from '../src/storage/device-descriptor.js';
import { devPropKey, virtioPciId } from '../src/devices/pci-hardware-id.js';
import { codePageDecoder, toUtf8 } from '../src/exec/code-page.js';
import { exitStatusOf } from '../src/exec/exit-status.js';
import { shutdownCall } from '../src/power/shutdown-plan.js';
import { suspendSupported } from '../src/power/windows-power.js';
import { authorizedKeysPath } from '../src/ssh/key-file-path.js';
import { defragError } from '../src/fsfreeze/defrag-output.js';
import { readMultiWide, readWide, toWide } from '../src/win32/wide-string.js';
import { fileTimeToUnixNs, unixNsToFileTime } from '../src/win32/file-time.js';
import { errnoForWin32, isHangup } from '../src/transport/win32-error-code.js';
import { nextLoad } from '../src/system-info/load-average.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url));

t.test('GetAdaptersAddresses buffer → adapters (pointers resolved against the base)', async (t) => {
  const base = BigInt(fixture('adapters.base.txt').toString('utf8').trim());
  const adapters = parseAdapterAddresses(fixture('adapters.bin'), base);
  t.same(
    adapters.map((a) => a.friendlyName),
    ['lo', 'ifb0', 'ifb1', 'eth0'],
  );
  const eth0 = adapters[3];
  t.match(eth0, { hardwareAddress: '02:fc:00:00:00:01', mtu: 1400 });
  t.same(
    eth0?.unicast.map((u) => `${u.address}/${u.prefix}`),
    ['fd00::2/64', 'fe80::fc:ff:fe00:1/64', '192.0.2.2/24'],
  );
  t.same(eth0?.gateways, [{ family: 4, address: '192.0.2.1' }]);
  t.equal(adapters[0]?.hardwareAddress, undefined, 'lo has no physical address');
  t.throws(
    () => parseAdapterAddresses(fixture('adapters.bin'), base + 1_000_000n),
    /outside the buffer/,
    'a wrong base is caught, not followed',
  );
});

t.test('MIB_IPFORWARD_TABLE2 → rows', async (t) => {
  const rows = parseForwardTable(fixture('forward-table.bin'));
  t.same(
    rows.map((r) => [r.destination.address, r.prefixLength, r.nextHop.address]),
    [
      ['0.0.0.0', 0, '192.0.2.1'],
      ['192.0.2.0', 24, '0.0.0.0'],
    ],
  );
  const truncated = fixture('forward-table.bin').subarray(0, 8 + 104);
  t.equal(parseForwardTable(truncated).length, 1, 'a short buffer yields only the complete rows');
});

t.test('MIB_IF_ROW2 counters → statistics; mtu', async (t) => {
  const row = Buffer.alloc(MIB_IF_ROW2_SIZE);
  [1208, 1216, 1224, 1232, 1240, 1280, 1288, 1296, 1304, 1312].forEach((off, i) => row.writeBigUInt64LE(BigInt(i + 1), off));
  row.writeUInt32LE(9000, 1124);
  t.same(interfaceStatistics(row), {
    'rx-bytes': 1,
    'rx-packets': 5,
    'rx-errs': 5,
    'rx-dropped': 4,
    'tx-bytes': 6,
    'tx-packets': 15,
    'tx-errs': 10,
    'tx-dropped': 9,
  });
  t.equal(interfaceMtu(row), 9000);
});

t.test('socket addresses, IPv6 text, masks', async (t) => {
  t.equal(formatIpv6(Buffer.from('fe800000000000000000000000000001', 'hex')), 'fe80::1');
  t.equal(formatIpv6(Buffer.alloc(16)), '::');
  t.equal(formatIpv6(Buffer.from('20010db8000000010000000000000001', 'hex')), '2001:db8:0:1::1', 'the longest zero run is compressed');
  t.equal(formatIpv6(Buffer.from('20010db8000100020003000400050006', 'hex')), '2001:db8:1:2:3:4:5:6');
  t.equal(ipv4Mask(0), '0.0.0.0');
  t.equal(ipv4Mask(24), '255.255.255.0');
  t.equal(ipv4Mask(32), '255.255.255.255');
  const unknown = Buffer.alloc(28);
  unknown.writeUInt16LE(17, 0);
  t.equal(parseSockaddr(unknown, 0), undefined, 'other families are skipped');
});

t.test('logical processors from RelationProcessorCore records', async (t) => {
  t.equal(countLogicalProcessors(fixture('processor-cores.bin')), 2);
  // One core record with two hyper-threads in group 0 and one in group 1.
  const rec = Buffer.alloc(8 + 32 + 32);
  rec.writeUInt32LE(0, 0);
  rec.writeUInt32LE(rec.length, 4);
  rec.writeUInt16LE(2, 8 + 22);
  rec.writeBigUInt64LE(0b11n, 8 + 24);
  rec.writeBigUInt64LE(0b1000n, 8 + 24 + 16);
  t.equal(countLogicalProcessors(rec), 3);
  t.equal(countLogicalProcessors(Buffer.alloc(0)), 0);
});

t.test('osinfo from the version numbers and ProductName', async (t) => {
  const base = { major: 10, minor: 0, processorArchitecture: 9, productName: 'Windows 10 Pro' };
  t.same(buildOsInfo({ ...base, build: 19045, productType: 1 }), {
    'kernel-release': '19045',
    'kernel-version': '10.0',
    machine: 'x86_64',
    id: 'mswindows',
    name: 'Microsoft Windows',
    'pretty-name': 'Windows 10 Pro',
    version: 'Microsoft Windows 10',
    'version-id': '10',
    variant: 'client',
    'variant-id': 'client',
  });
  t.match(
    buildOsInfo({ ...base, build: 22631, productType: 1 }),
    { version: 'Microsoft Windows 11', 'version-id': '11' },
    'build ≥ 22000 is Windows 11',
  );
  t.match(buildOsInfo({ ...base, build: 20348, productType: 3 }), {
    version: 'Microsoft Windows Server 2022',
    'version-id': '2022',
    variant: 'server',
  });
  t.match(
    buildOsInfo({ ...base, build: 17763, productType: 2 }),
    { version: 'Microsoft Windows Server 2019', variant: 'server' },
    'a domain controller is a server',
  );
  t.match(buildOsInfo({ major: 6, minor: 1, build: 7601, productType: 1, processorArchitecture: 0 }), {
    version: 'Microsoft Windows 7',
    'version-id': '7',
    machine: 'x86',
  });
  const unknown = buildOsInfo({ major: 11, minor: 0, build: 1, productType: 1, processorArchitecture: 99 });
  t.notOk('version' in unknown, 'an unknown version leaves version out');
  t.notOk('pretty-name' in unknown, 'no ProductName, no pretty-name');
  t.equal(unknown.machine, 'unknown');
  const v = Buffer.alloc(284);
  v.writeUInt32LE(10, 4);
  v.writeUInt32LE(0, 8);
  v.writeUInt32LE(18362, 12);
  v.writeUInt8(1, 282);
  t.same(parseOsVersionInfo(v), { major: 10, minor: 0, build: 18362, productType: 1 });
});

t.test('time zone: bias and names, standard and daylight', async (t) => {
  const tz = Buffer.alloc(432);
  tz.writeInt32LE(-60, 0); // CET: 60 minutes east
  tz.write('W. Europe Standard Time\0', 4, 'utf16le');
  tz.writeInt32LE(0, 84);
  tz.write('W. Europe Daylight Time\0', 88, 'utf16le');
  tz.writeInt32LE(-60, 168);
  t.same(parseTimeZone(tz, 1), { zone: 'W. Europe Standard Time', offset: 3600 });
  t.same(parseTimeZone(tz, 2), { zone: 'W. Europe Daylight Time', offset: 7200 });
  t.same(parseTimeZone(Buffer.alloc(432), 0), { offset: 0 }, 'UTC without names: no zone, offset 0 (not -0)');
  t.throws(() => parseTimeZone(tz, 0xffffffff), /failed/);
});

t.test('sessions → users: earliest logon per user, domain kept, empty users skipped', async (t) => {
  const ft = (unixSec: number): bigint => unixNsToFileTime(BigInt(Math.round(unixSec * 1e9)));
  t.same(
    sessionUsers([
      { user: 'alice', domain: 'CORP', logonTime: ft(2000) },
      { user: '', domain: '', logonTime: ft(1) },
      { user: 'ALICE', domain: 'corp', logonTime: ft(1000.5) },
      { user: 'bob', domain: '', logonTime: ft(3000) },
    ]),
    [
      { user: 'alice', 'login-time': 1000.5, domain: 'CORP' },
      { user: 'bob', 'login-time': 3000 },
    ],
  );
});

t.test('storage: bus types, device descriptor, SCSI address, disk extents', async (t) => {
  t.equal(diskBusType(1), 'scsi');
  t.equal(diskBusType(3), 'ide');
  t.equal(diskBusType(6), 'fibre', 'Fibre is fibre (qemu-ga says ssa)');
  t.equal(diskBusType(11), 'sata');
  t.equal(diskBusType(17), 'nvme');
  t.equal(diskBusType(16), 'unknown', 'Storage Spaces');
  t.equal(diskBusType(99), 'unknown');
  const d = Buffer.alloc(64);
  d.writeUInt32LE(48, 24);
  d.writeUInt32LE(17, 28);
  d.write('  SN123 \0', 48, 'latin1');
  t.same(parseDeviceDescriptor(d), { busType: 17, serial: 'SN123' });
  d.writeUInt32LE(0, 24);
  t.same(parseDeviceDescriptor(d), { busType: 17 }, 'no serial offset, no serial');
  t.same(parseScsiAddress(Buffer.from([8, 0, 0, 0, 2, 0, 1, 0])), { bus: 0, target: 1, unit: 0 });
  const ext = Buffer.alloc(8 + 3 * 24);
  ext.writeUInt32LE(3, 0);
  [0, 2, 0].forEach((n, i) => ext.writeUInt32LE(n, 8 + i * 24));
  t.same(parseVolumeDiskExtents(ext), [0, 2], 'a volume spanning a disk twice lists it once');
});

t.test('devices: virtio/QEMU PCI ids (all hex digits), DEVPROPKEY layout', async (t) => {
  t.same(virtioPciId(['PCI\\VEN_1AF4&DEV_1050&SUBSYS_11001AF4&REV_01', 'PCI\\VEN_1AF4&DEV_1050']), { vendor: 0x1af4, device: 0x1050 });
  t.same(virtioPciId(['PCI\\VEN_1B36&DEV_000D']), { vendor: 0x1b36, device: 0x000d }, 'device ids with C-F are kept');
  t.equal(virtioPciId(['PCI\\VEN_8086&DEV_100E', 'ACPI\\PNP0A03']), undefined);
  const key = devPropKey('{a8b865dd-2e3d-4094-ad97-e593a70c75d6}', 2);
  t.equal(key.toString('hex'), 'dd65b8a83d2e9440ad97e593a70c75d602000000');
});

t.test('exec output: OEM code pages to UTF-8, split characters kept across chunks', async (t) => {
  t.equal(toUtf8(Buffer.from([0x82, 0x20, 0x9c]), 437).toString('utf8'), 'é £');
  t.equal(toUtf8(Buffer.from([0x9b, 0xd0]), 850).toString('utf8'), 'øð');
  t.equal(toUtf8(Buffer.from([0xe9]), 1252).toString('utf8'), 'é');
  t.equal(toUtf8(Buffer.from('héllo', 'utf8'), 65001).toString('utf8'), 'héllo');
  t.same(toUtf8(Buffer.from([0xff, 0x00]), 12345), Buffer.from([0xff, 0x00]), 'an unknown page passes bytes through');
  const sjis = codePageDecoder(932);
  t.ok(sjis, 'Shift-JIS is available');
  // 日 is 0x93 0xfa in Shift-JIS: split across two chunks.
  t.equal((sjis?.decode(Buffer.from([0x41, 0x93])) ?? '') + (sjis?.decode(Buffer.from([0xfa]), true) ?? ''), 'A日');
});

t.test('exit statuses: NTSTATUS exceptions are signals', async (t) => {
  t.same(exitStatusOf(3, null), { exitcode: 3 });
  t.same(exitStatusOf(-1073741819, null), { signal: 0xc0000005 }, 'access violation (signed)');
  t.same(exitStatusOf(0xc0000409, null), { signal: 0xc0000409 });
  t.same(exitStatusOf(null, 'SIGKILL'), { signal: 9 });
});

t.test('power: shutdown arguments and suspend capability bits', async (t) => {
  t.match(shutdownCall('reboot'), { reboot: true, force: true, timeout: 0 });
  t.match(shutdownCall('halt'), { reboot: false });
  t.match(shutdownCall('powerdown'), { reboot: false });
  const caps = Buffer.alloc(76);
  t.equal(suspendSupported(caps, 'disk'), false);
  caps[6] = 1;
  t.equal(suspendSupported(caps, 'disk'), true);
  t.equal(suspendSupported(caps, 'ram'), false);
  caps[5] = 1;
  t.equal(suspendSupported(caps, 'ram'), true);
});

t.test('ssh: the Windows OpenSSH key file layout', async (t) => {
  t.equal(
    authorizedKeysPath('Administrator', true, 'C:\\ProgramData', 'C:\\Users'),
    'C:\\ProgramData\\ssh\\administrators_authorized_keys',
  );
  t.equal(authorizedKeysPath('bob', false, 'C:\\ProgramData', 'C:\\Users'), 'C:\\Users\\bob\\.ssh\\authorized_keys');
});

t.test('fstrim: defrag /L error lines', async (t) => {
  t.equal(defragError('Invoking retrim on (C:)...\r\nThe operation completed successfully.\r\n'), undefined);
  t.equal(
    defragError('Invoking retrim\r\n  The volume does not support trim. (0x8900002A)\r\n'),
    'The volume does not support trim. (0x8900002A)',
  );
});

t.test('wide strings and FILETIME', async (t) => {
  t.equal(readWide(toWide('héllo')), 'héllo');
  t.equal(readWide(Buffer.from('ab\0cd', 'utf16le')), 'ab');
  t.same(readMultiWide(Buffer.from('C:\\\0D:\\\0\0', 'utf16le')), ['C:\\', 'D:\\']);
  t.same(readMultiWide(Buffer.from('\0\0', 'utf16le')), []);
  t.equal(fileTimeToUnixNs(116444736000000000n), 0n);
  t.equal(unixNsToFileTime(1_000_000_000n), 116444736010000000n);
});

t.test('device I/O errors: Win32 codes → errno names, and which reads are a host hang-up', async (t) => {
  t.equal(errnoForWin32(2), 'ENOENT', 'no virtio-serial device');
  t.equal(errnoForWin32(5), 'EACCES', 'port still held after a host reconnect');
  t.equal(errnoForWin32(109), 'EPIPE');
  t.equal(errnoForWin32(1234), 'EIO');
  for (const code of [0, 38, 995, 1450]) t.ok(isHangup(code), `${code} is a hang-up`);
  t.notOk(isHangup(109));
});

t.test('load: Linux-style moving averages of the processor queue length, sampled every 5 s', async (t) => {
  let load = { load1m: 0, load5m: 0, load15m: 0 };
  load = nextLoad(load, 1);
  t.ok(Math.abs(load.load1m - (1 - Math.exp(-5 / 60))) < 1e-12, 'one sample moves the 1 min average by 1 - e^(-1/12)');
  t.ok(load.load1m > load.load5m && load.load5m > load.load15m, 'longer windows move slower');
  for (let i = 0; i < 720; i++) load = nextLoad(load, 2); // one hour of queue length 2
  t.ok(Math.abs(load.load1m - 2) < 1e-6 && Math.abs(load.load15m - 2) < 0.1, 'a steady queue converges to its length');
});
