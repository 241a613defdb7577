// The windows backend's ports, run for real by Wine's node.exe and checked
// against the Linux view of the same machine (Wine passes the host through).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { REPO_ROOT } from '../support/agents.js';
import { runUnderWine, wineBed, winPath } from '../support/wine.js';

const bed = wineBed();
const PROBE = path.join(REPO_ROOT, 'packages/backend-windows/dist/test/wine/probe-ports.js');

type Result = { ok?: any; error?: string; qga?: boolean };

if ('skip' in bed) {
  t.test('windows backend under Wine', { skip: bed.skip }, async () => {});
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qga-wine-ports-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'probe.json');
  const rxBefore = Number(fs.readFileSync('/sys/class/net/lo/statistics/rx_bytes', 'utf8'));
  const before = Date.now();
  const run = await runUnderWine(bed, [winPath(PROBE), winPath(out)], path.join(dir, 'probe.log'));
  const after = Date.now();
  t.equal(run.code, 0, `the probe ran under Wine (log: ${run.log.slice(0, 2000)})`);
  const r: Record<string, Result> & Record<string, any> = JSON.parse(fs.readFileSync(out, 'utf8'));

  t.test('koffi is loaded on first use, not before', async (t) => {
    t.equal(r['koffiLoadedBefore'], false);
    t.equal(r['koffiLoadedAfter'], true);
  });

  t.test('host name: GetComputerNameExW equals the Linux host name', async (t) => {
    t.same(r['hostName'], { ok: os.hostname() });
  });

  t.test('time: GetSystemTimePreciseAsFileTime is within 1 s of the Linux clock, in µs', async (t) => {
    const ns = BigInt(r['time'].ok);
    t.equal(ns % 1000n, 0n, 'microsecond resolution expressed in ns');
    const ms = Number(ns / 1_000_000n);
    t.ok(ms >= before - 1000 && ms <= after + 1000, `${ms} within [${before}, ${after}] ± 1 s`);
  });

  t.test('set-time: privilege + SetSystemTime; Wine refuses (1314) and the error says so', async (t) => {
    t.same(r['setTime'], { error: 'Failed to set time to guest: Privilege not held.', qga: true });
    const ms = Number(BigInt(r['timeAfterSet'].ok) / 1_000_000n);
    t.ok(Math.abs(ms - Date.now()) < 60_000 && ms <= after + 1000, 'the clock did not jump 2 s ahead');
  });

  t.test('time zone: GetDynamicTimeZoneInformation gives the Linux offset', async (t) => {
    t.equal(r['timezone'].ok.offset, -new Date().getTimezoneOffset() * 60);
    t.type(r['timezone'].ok.zone, 'string');
  });

  t.test("osinfo: RtlGetVersion + registry in qemu-ga's shape", async (t) => {
    const o = r['osInfo'].ok;
    t.match(o, {
      id: 'mswindows',
      name: 'Microsoft Windows',
      'kernel-version': '10.0',
      machine: 'x86_64',
      variant: 'client',
      'variant-id': 'client',
    });
    t.match(o['kernel-release'], /^\d+$/);
    t.equal(o.version, Number(o['kernel-release']) >= 22000 ? 'Microsoft Windows 11' : 'Microsoft Windows 10');
    t.type(o['pretty-name'], 'string', 'ProductName read from HKLM');
  });

  t.test('load: PDH is queried; Wine lacks the counter and the error says so', async (t) => {
    t.match(r['load'], {
      error: /^PdhAddEnglishCounter failed for '\\System\\Processor Queue Length' \(PDH status 0xc0000bb9\)/,
      qga: true,
    });
  });

  t.test('vcpus: one online entry per Linux CPU, numbered from 0', async (t) => {
    const v = r['vcpus'].ok as any[];
    t.equal(v.length, os.cpus().length);
    v.forEach((c, i) => t.same(c, { 'logical-id': i, online: true, 'can-offline': false }));
  });

  t.test('interfaces: every Linux interface with its MAC and IPv4 addresses', async (t) => {
    const ifs = r['interfaces'].ok as any[];
    const linux = fs.readdirSync('/sys/class/net');
    for (const name of linux) {
      const w = ifs.find((i) => i.name === name);
      t.ok(w, `${name} is listed`);
      if (!w) continue;
      const mac = fs.readFileSync(`/sys/class/net/${name}/address`, 'utf8').trim();
      if (mac !== '00:00:00:00:00:00') t.equal(w['hardware-address'], mac, `${name} MAC`);
      const v4 = (os.networkInterfaces()[name] ?? []).filter((a) => a.family === 'IPv4');
      const wv4 = (w['ip-addresses'] ?? []).filter((a: any) => a['ip-address-type'] === 'ipv4');
      t.same(
        wv4.map((a: any) => `${a['ip-address']}/${a.prefix}`).sort(),
        v4.map((a) => a.cidr).sort(),
        `${name} IPv4 addresses and prefixes`,
      );
    }
    const lo = ifs.find((i) => i.name === 'lo');
    t.ok(lo?.statistics['rx-bytes'] >= rxBefore, 'GetIfEntry2 counters are the live ones (lo rx-bytes did not go back)');
  });

  t.test('routes: the IPv4 table of /proc/net/route, with masks and gateways', async (t) => {
    const routes = (r['routes'].ok as any[]).filter((x) => x.version === 4);
    const hex = (h: string): string =>
      [0, 2, 4, 6]
        .map((i) => parseInt(h.slice(i, i + 2), 16))
        .reverse()
        .join('.');
    const linux = fs
      .readFileSync('/proc/net/route', 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'));
    for (const [iface, dest, gw, , , , , mask] of linux) {
      const found = routes.find((x) => x.destination === hex(dest as string) && x.mask === hex(mask as string));
      t.ok(found, `route ${hex(dest as string)}/${hex(mask as string)} on ${iface}`);
      if (found) t.match(found, { iface, gateway: hex(gw as string) });
    }
  });

  t.test('users: WTSEnumerateSessionsW answers (Wine has no logon sessions)', async (t) => {
    t.same(r['users'], { ok: [] });
  });

  t.test('fsinfo: volumes with their drive, NTFS, and the sizes Linux sees for /', async (t) => {
    const fsinfo = r['fsinfo'].ok as any[];
    const z = fsinfo.find((f) => f.mountpoint === 'Z:\\');
    t.ok(z, "Z:\\ (the host's /) is listed");
    t.match(z.name, /^\\\\\?\\Volume\{[0-9a-f-]+\}\\$/i, 'name is the volume GUID path');
    const st = fs.statfsSync('/');
    t.equal(z['total-bytes'], st.blocks * st.bsize, 'total bytes = statfs(/) blocks × bsize');
    // Wine reports the caller's available space as the free space, so used = total − bavail.
    const used = (st.blocks - st.bavail) * st.bsize;
    t.ok(Math.abs(z['used-bytes'] - used) < 1024 ** 3, `used bytes ${z['used-bytes']} ≈ ${used}`);
    t.same(z.disk, [], 'Wine gives no volume disk extents');
  });

  t.test('disks: \\\\.\\PhysicalDriveN with an address', async (t) => {
    for (const d of r['disks'].ok as any[]) {
      t.match(d, { partition: false, address: { dev: d.name, 'pci-controller': { domain: -1 } } });
      t.match(d.name, /^\\\\\.\\PhysicalDrive\d+$/);
    }
  });

  t.test('devices: SetupDi enumeration runs; Wine has no virtio PCI devices', async (t) => {
    t.same(r['devices'], { ok: [] });
  });

  t.test('fsfreeze: the answer of qemu-ga without VSS; fstrim reports per volume', async (t) => {
    t.same(r['freeze'], { error: 'fsfreeze not possible as VSS failed to initialize', qga: true });
    const trim = r['trim'].ok as any[];
    t.ok(
      trim.some((x) => x.path === 'Z:\\'),
      'the fixed drives are listed',
    );
    for (const x of trim) t.match(x.error, /defrag/, 'Wine has no defrag.exe: an error per path, no fake trim');
  });

  t.test('shutdown/suspend: privilege taken, the call made with the right arguments (recorded, never run)', async (t) => {
    t.same(r['shutdownReboot'], {}, 'no error');
    t.same(r['shutdownHalt'], {});
    t.same(r['powerCalls'][0], {
      shutdown: { message: 'hypervisor initiated shutdown', timeout: 0, force: true, reboot: true, reason: 0x80000000 },
    });
    t.equal(r['powerCalls'][1].shutdown.reboot, false);
    // Wine's GetPwrCapabilities says S4 yes, S3 no.
    t.same(r['suspendDisk'], {});
    t.same(r['powerCalls'][2], { suspend: true });
    t.same(r['suspendRam'], { error: 'suspend-to-ram not supported by OS', qga: true });
  });

  t.test('password: crypted refused; NetUserSetInfo level 1003 called with the password (recorded)', async (t) => {
    t.same(r['passwordCrypted'], { error: "'crypted' must be off on this host", qga: true });
    t.same(r['passwordCalls'], [{ user: 'nosuchuser', level: 1003, password: 'sécret' }]);
    t.same(r['passwordUnknownUser'], { error: 'failed to set password: User nosuchuser was not found', qga: true });
  });

  t.test('ssh keys: OpenSSH layout, unknown users, and a real write/read', async (t) => {
    t.match(r['sshKeysFileRoot'].ok, /^C:\\users\\root\\\.ssh\\authorized_keys$/i);
    t.same(r['sshUnknownUser'], { error: 'User nosuchuser was not found', qga: true });
    t.same(r['sshWriteRead'].ok.text, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIQGA probe\n');
    t.equal(r['sshWriteRead'].ok.afterRemove, null, 'a missing file reads as null');
  });

  t.test('exec: cmd.exe exit code and both streams; stdin to a child; merged refused', async (t) => {
    t.match(r['execCmd'].ok, { out: 'out\r\n', status: { exitcode: 3 } });
    t.match(r['execCmd'].ok.err, /^err/);
    t.match(r['execStdin'].ok, { out: 'piped input', status: { exitcode: 0 } });
    t.same(r['execMerged'], { error: "Parameter 'capture-output' does not accept value 'merged'", qga: true });
    t.match(r['execMissing'], { error: /ENOENT/, qga: false });
  });
}
