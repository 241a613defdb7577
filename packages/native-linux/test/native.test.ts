import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import {
  interfaceAddresses,
  listenUnixNative,
  listenVsock,
  lookupPasswd,
  nvmeSmartLog,
  openSyslog,
  timevalOf,
  tryLockExclusive,
  VSOCK_CID_ANY,
} from '../src/index.js';

const entry = fileURLToPath(new URL('../src/index.js', import.meta.url));

function tmp(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'qga-native-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('getifaddrs: every link of /sys/class/net, and lo with 127.0.0.1/8', async (t) => {
  const list = interfaceAddresses();
  const links = list.filter((e) => e.kind === 'link').map((e) => e.name);
  t.same([...links].sort(), readdirSync('/sys/class/net').sort(), 'one link entry per interface');
  const lo4 = list.find((e) => e.kind === 'ipv4' && e.name === 'lo');
  t.ok(lo4 && 'address' in lo4, 'lo has an IPv4 address');
  if (lo4 && lo4.kind === 'ipv4') {
    t.same([...lo4.address], [127, 0, 0, 1]);
    t.same([...(lo4.netmask ?? [])], [255, 0, 0, 0]);
  }
  const kinds = list.map((e) => e.kind);
  t.equal(kinds.lastIndexOf('link') < Math.max(kinds.indexOf('ipv4'), 0) || !kinds.includes('ipv4'), true, 'links come first');
});

t.test('getpwnam_r: root, and nobody by that name', async (t) => {
  t.match(await lookupPasswd('root'), { name: 'root', uid: 0, gid: 0, home: '/root' });
  t.equal(await lookupPasswd('no-such-user-qga'), undefined);
});

t.test('flock: a second open file description is refused while the first holds the lock', async (t) => {
  const path = join(tmp(t), 'pid');
  const a = openSync(path, 'a+');
  const b = openSync(path, 'a+');
  t.equal(tryLockExclusive(a), true);
  t.equal(tryLockExclusive(b), false);
  closeSync(a);
  t.equal(tryLockExclusive(b), true, 'free again once the holder closed it');
  closeSync(b);
});

t.test(
  'settimeofday as an unprivileged user: EPERM, the clock untouched',
  { skip: process.getuid?.() !== 0 && 'needs root to switch to nobody' },
  async (t) => {
    // Never set the real clock in a test: the call runs as uid 65534, where the kernel refuses it.
    const script = `import(${JSON.stringify(entry)}).then((m) => { try { m.setSystemTime(1796605837000000000n); console.log('set'); } catch (e) { console.log(e.code, e.syscall); } })`;
    const r = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    );
    t.equal(r.stdout.trim(), 'EPERM settimeofday', r.stderr);
  },
);

t.test('without koffi: a clear error per call, no crash at import', async (t) => {
  const script = `import(${JSON.stringify(entry)}).then(async (m) => { try { await m.lookupPasswd('root'); console.log('ok'); } catch (e) { console.log(e.code + ': ' + e.message); } })`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, QGA_NO_NATIVE: '1' },
  });
  t.equal(r.status, 0);
  t.match(r.stdout, /^ENATIVE: native calls are unavailable \(koffi could not be loaded: QGA_NO_NATIVE=1\)/);
});

t.test('syslog: daemon.info lines on a datagram socket standing in for /dev/log', async (t) => {
  const devLog = join(tmp(t), 'log');
  const server = spawn('python3', [
    '-u',
    '-c',
    'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint("ready")\nwhile True: print(s.recv(65536).decode())',
    devLog,
  ]);
  t.teardown(() => server.kill('SIGKILL'));
  let received = '';
  server.stdout.setEncoding('utf8').on('data', (s: string) => (received += s));
  for (let i = 0; i < 500 && !received.includes('ready'); i++) await sleep(10);
  const log = openSyslog(devLog, 'qga', 30);
  log.send('guest-exec called: "/bin/true"');
  for (let i = 0; i < 500 && !received.includes('guest-exec'); i++) await sleep(10);
  log.close();
  t.match(received, new RegExp(`<30>[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d qga\\[${process.pid}\\]: guest-exec called: "/bin/true"`));
  t.throws(() => openSyslog(join(tmp(t), 'none'), 'qga', 30), { code: 'ENOENT', syscall: 'connect' });
});

t.test('AF_VSOCK: bind/listen, EADDRINUSE on the same port, free after close', async (t) => {
  const port = 50_000 + (process.pid % 10_000);
  const a = listenVsock(VSOCK_CID_ANY, port, 4, () => undefined);
  t.throws(() => listenVsock(VSOCK_CID_ANY, port, 4, () => undefined), { code: 'EADDRINUSE', syscall: 'bind' });
  a.close();
  await sleep(20);
  const b = listenVsock(VSOCK_CID_ANY, port, 4, () => undefined);
  b.close();
  t.pass('re-bound after close');
});

t.test('accepted sockets: echo, and a client that does not read gets backpressure, not a growing buffer', async (t) => {
  const path = join(tmp(t), 's.sock');
  let writes = 0;
  let sawBackpressure = false;
  const listener = listenUnixNative(path, 4, (socket) => {
    if (socket === undefined) return;
    socket.once('data', (d) => {
      if (d.toString() === 'echo') return void socket.end('echo');
      // Write until the kernel and Node's buffer say stop: write() returns false and no more is queued.
      const chunk = Buffer.alloc(64 * 1024, 1);
      while (socket.write(chunk)) writes++;
      sawBackpressure = true;
      socket.once('drain', () => socket.destroy());
    });
  });
  t.teardown(() => listener.close());
  const echoed = await new Promise<string>((resolve) => {
    const c = connect(path, () => c.write('echo'));
    let text = '';
    c.on('data', (d) => (text += d.toString()));
    c.on('end', () => resolve(text));
  });
  t.equal(echoed, 'echo');
  const slow = connect(path, () => slow.write('flood'));
  slow.pause();
  for (let i = 0; i < 500 && !sawBackpressure; i++) await sleep(10);
  t.ok(sawBackpressure, 'write() returned false');
  t.ok(writes < 200, `stopped after ${writes} chunks, not unbounded`);
  const cpuBefore = process.cpuUsage();
  await sleep(300);
  const cpu = process.cpuUsage(cpuBefore);
  t.ok(cpu.user + cpu.system < 250_000, `idle while the client does not read (${cpu.user + cpu.system} µs CPU in 300 ms)`);
  slow.resume();
  await new Promise((r) => slow.on('close', r));
});

t.test('struct timeval: microsecond resolution, floored below the epoch', async (t) => {
  t.same(timevalOf(1_700_000_000_123_456_789n), { sec: 1_700_000_000n, usec: 123_456n });
  t.same(timevalOf(0n), { sec: 0n, usec: 0n });
  t.same(timevalOf(999n), { sec: 0n, usec: 0n });
  t.same(timevalOf(-1n), { sec: -1n, usec: 999_999n });
});

t.test('NVMe admin ioctl: made for real; a device that is not NVMe refuses it (no NVMe here)', async (t) => {
  await t.rejects(nvmeSmartLog('/dev/null'), { code: 'ENOTTY', syscall: 'ioctl' });
  await t.rejects(nvmeSmartLog('/nonexistent/nvme0n1'), { code: 'ENOENT', syscall: 'open' });
});
