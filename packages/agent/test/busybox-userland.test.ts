import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { thawFilesystem } from '@qga/native-linux';
import { RawQgaClient } from './helpers/qga-socket.js';
import { BUNDLE, ensureBundle, start, tempDir } from './helpers/run-qga.js';

/**
 * The real agent (the bundle) on a guest whose userland is busybox: PATH holds
 * nothing but busybox's applets (Debian's busybox-static), so any helper the
 * agent ran from PATH would be busybox's. Commands where qemu-ga calls the
 * kernel must answer exactly as they do with GNU userland; a freeze is done on
 * a loop mount made for the test only, never on the machine's own mounts.
 */
const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
const isRoot = process.getuid?.() === 0;
const why =
  BUSYBOX === undefined
    ? 'busybox is not installed (apt-get install busybox-static)'
    : !isRoot
      ? 'needs root (loop mount, setpriv)'
      : undefined;

function busyboxPath(t: { teardown(fn: () => void): void }): string {
  const bin = join(tempDir(t, 'qga-busybox-'), 'bin');
  mkdirSync(bin);
  for (const applet of execFileSync(BUSYBOX!, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
    symlinkSync(BUSYBOX!, join(bin, applet));
  }
  return bin;
}

function loopMount(t: { teardown(fn: () => void | Promise<void>): void }): string {
  // Not tempDir: its removal must come after the thaw and the unmount, in this one teardown.
  const dir = mkdtempSync(join(tmpdir(), 'qga-busybox-fs-'));
  const img = join(dir, 'img');
  const mnt = join(dir, 'mnt');
  mkdirSync(mnt);
  t.teardown(async () => {
    await thawFilesystem(mnt).catch(() => undefined); // never leave it frozen, whatever failed
    for (let i = 0; i < 5 && spawnSync('umount', [mnt]).status !== 0; i++) spawnSync('sleep', ['0.2']);
    spawnSync('umount', ['-l', mnt]);
    rmSync(dir, { recursive: true, force: true });
  });
  execFileSync('truncate', ['-s', '32M', img]);
  execFileSync('mkfs.ext4', ['-q', img]);
  execFileSync('mount', ['-o', 'loop', img, mnt]);
  return mnt;
}

const ok = (line: string | undefined): unknown => {
  const reply = JSON.parse(line ?? 'null') as { return?: unknown; error?: unknown };
  if (!reply || !('return' in reply)) throw new Error(`not a success: ${line}`);
  return reply.return;
};

t.test('with only busybox on PATH, the kernel-backed commands answer as with GNU userland', { skip: why }, async (t) => {
  ensureBundle();
  const bin = busyboxPath(t);
  const dir = tempDir(t);
  const env = { PATH: bin };
  const gnu = start(['--backend', 'linux', '-m', 'unix-listen', '-p', join(dir, 'gnu.sock'), '-t', join(dir, 'gnu-state')], {
    program: BUNDLE,
  });
  const agent = start(['--backend', 'linux', '-m', 'unix-listen', '-p', join(dir, 'sock'), '-t', dir, '-f', join(dir, 'qga.pid')], {
    program: BUNDLE,
    env,
  });
  t.teardown(() => {
    agent.child.kill('SIGTERM');
    gnu.child.kill('SIGTERM');
  });
  const c = await RawQgaClient.connect(join(dir, 'sock'));
  const g = await RawQgaClient.connect(join(dir, 'gnu.sock'));
  t.teardown(() => (c.close(), g.close()));

  for (const cmd of ['guest-get-users', 'guest-get-osinfo', 'guest-get-vcpus', 'guest-get-timezone', 'guest-get-memory-block-info']) {
    t.same(ok(await c.request({ execute: cmd })), ok(await g.request({ execute: cmd })), `${cmd}: same answer as with the machine's PATH`);
  }
  const names = (r: unknown): string[] => (r as Array<{ name: string }>).map((i) => i.name);
  t.same(
    names(ok(await c.request({ execute: 'guest-network-get-interfaces' }))),
    names(ok(await g.request({ execute: 'guest-network-get-interfaces' }))),
    'interfaces: no ip -j needed',
  );
  t.ok(Array.isArray(ok(await c.request({ execute: 'guest-get-fsinfo' }))), 'fsinfo');
  t.match(ok(await c.request({ execute: 'guest-get-cpustats' })), [{ cpu: 0 }], 'cpustats: CLK_TCK without getconf');
  const keys = { execute: 'guest-ssh-get-authorized-keys', arguments: { username: 'root' } };
  t.equal(await c.request(keys), await g.request(keys), 'ssh keys: root looked up without getent, same reply');
  t.match(
    await c.request({ execute: 'guest-ssh-get-authorized-keys', arguments: { username: 'no-such-user-qga' } }),
    /"desc": "failed to lookup user 'no-such-user-qga': Success"/,
  );

  const pid = Number(readFileSync(join(dir, 'qga.pid'), 'utf8'));
  t.equal(pid, agent.pid, 'pidfile written');
  const second = await start(
    ['--backend', 'linux', '-m', 'unix-listen', '-p', join(dir, 'sock2'), '-t', join(dir, 's2'), '-f', join(dir, 'qga.pid')],
    { program: BUNDLE, env },
  ).exited;
  t.not(second.code, 0, 'a second instance refuses the locked pidfile (flock without flock(1))');

  const noLoop = spawnSync('losetup', ['-f']).status !== 0 ? 'no free loop device' : false;
  await t.test('freeze and thaw a loop mount, no fsfreeze(8)', { skip: noLoop }, async (t) => {
    const mnt = loopMount(t)!;
    t.equal(
      ok(await c.request({ execute: 'guest-fsfreeze-freeze-list', arguments: { mountpoints: [mnt] } })),
      1,
      'FIFREEZE without fsfreeze(8)',
    );
    const writer = spawn('sh', ['-c', `echo x > '${mnt}/f'`], { stdio: 'ignore' });
    let wrote = false;
    writer.on('exit', () => (wrote = true));
    await sleep(500);
    t.equal(wrote, false, 'a write blocks while frozen');
    t.equal(ok(await c.request({ execute: 'guest-fsfreeze-status' })), 'frozen');
    t.ok((ok(await c.request({ execute: 'guest-fsfreeze-thaw' })) as number) >= 1, 'thawed');
    for (let i = 0; i < 100 && !wrote; i++) await sleep(50);
    t.equal(wrote, true, 'the write completes after thaw');
  });
});

t.test("guest-set-time as an unprivileged agent with busybox: the kernel's EPERM, not date's parse error", { skip: why }, async (t) => {
  // What `virsh domtime --time` meets on a busybox guest: before, `date -u -s @1796605837.000000`
  // failed with "invalid date". Now settimeofday is called; as uid 65534 the kernel refuses,
  // so this test never changes the clock.
  ensureBundle();
  const bin = busyboxPath(t);
  const dir = tempDir(t);
  chmodSync(dir, 0o777);
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? 'setpriv'; // util-linux's, not busybox's applet
  let stderr = '';
  const agent = spawn(
    setpriv,
    [
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      process.execPath,
      BUNDLE,
      '--backend',
      'linux',
      '-m',
      'unix-listen',
      '-p',
      join(dir, 'sock'),
      '-t',
      dir,
    ],
    {
      env: { PATH: bin, QGA_CONF: '/nonexistent/qga-test.conf' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  agent.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  t.teardown(() => agent.kill('SIGTERM'));
  const c = await RawQgaClient.connect(join(dir, 'sock')).catch((e: Error) => {
    throw new Error(`${e.message}; agent said: ${stderr}`);
  });
  t.teardown(() => c.close());
  t.match(
    await c.request({ execute: 'guest-set-time', arguments: { time: 1796605837000000000 } }),
    /^\{"error": \{"class": "GenericError", "desc": "Failed to set time to guest: Operation not permitted"\}\}$/,
  );
});

t.test(
  'the helpers qemu-ga runs, with its arguments, exist as busybox applets',
  { skip: BUSYBOX === undefined && 'busybox is not installed' },
  async (t) => {
    const applets = new Set(execFileSync(BUSYBOX!, ['--list'], { encoding: 'utf8' }).split('\n'));
    const usage = (applet: string): string => spawnSync(BUSYBOX!, [applet, '--help'], { encoding: 'utf8' }).stderr;
    t.ok(applets.has('hwclock'), 'hwclock');
    t.match(usage('hwclock'), /-s/, 'hwclock -s (set-time without a time)');
    t.match(usage('hwclock'), /-w/, 'hwclock -w (after set-time)');
    for (const a of ['poweroff', 'halt', 'reboot']) {
      t.ok(applets.has(a), `${a}: run with no arguments, as qemu-ga`);
      t.match(usage(a), /-f/, `${a} -f (our last fallback)`);
    }
    if (applets.has('chpasswd')) t.match(usage('chpasswd'), /-e/, 'chpasswd -e (crypted passwords)');
    else
      t.comment(
        "this busybox build has no chpasswd applet (Debian's busybox-static): set-user-password needs the passwd package's chpasswd there, as qemu-ga does",
      );
  },
);
