import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PrivateLibvirtd {
  /** Connection URI for virsh -c. */
  readonly uri: string;
  readonly process: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/** libvirt's state dirs, each replaced (in libvirtd's own mount namespace) by a dir under `dir`. */
const PRIVATE_DIRS: Record<string, string> = {
  '/run/libvirt': 'run',
  '/var/lib/libvirt': 'lib',
  '/var/cache/libvirt': 'cache',
  '/var/log/libvirt': 'log',
  '/etc/libvirt': 'etc',
};

/**
 * A libvirtd of our own, no systemd: in its own mount namespace, its config
 * and state dirs are bind-mounted from `dir`, so it touches nothing of the
 * machine's. QEMU runs as root without a security driver (TCG guests only).
 * Debian's libvirtd refuses to start without a `libvirt-qemu` user: one is created if missing.
 */
export async function startPrivateLibvirtd(dir: string): Promise<PrivateLibvirtd> {
  if (spawnSync('id', ['libvirt-qemu']).status !== 0) spawnSync('useradd', ['-r', '-M', '-s', '/usr/sbin/nologin', 'libvirt-qemu']);
  for (const [system, mine] of Object.entries(PRIVATE_DIRS)) {
    mkdirSync(system, { recursive: true });
    mkdirSync(join(dir, mine), { recursive: true });
  }
  // Its own pid file too (the default /run/libvirtd.pid is not among the private dirs): two private libvirtds may run at once.
  // No virtlogd here (stdio_handler file): QEMU's output goes straight to files.
  writeFileSync(join(dir, 'etc', 'qemu.conf'), 'security_driver = "none"\nuser = "root"\ngroup = "root"\nstdio_handler = "file"\n');
  writeFileSync(join(dir, 'etc', 'libvirtd.conf'), 'auth_unix_rw = "none"\nauth_unix_ro = "none"\n');
  const mounts = Object.entries(PRIVATE_DIRS)
    .map(([system, mine]) => `mount --bind ${join(dir, mine)} ${system}`)
    .join(' && ');
  const proc = spawn(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c', `${mounts} && exec libvirtd --pid-file ${join(dir, 'run', 'libvirtd.pid')}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  proc.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const socket = join(dir, 'run', 'libvirt-sock');
  const uri = `qemu:///system?socket=${socket}`;
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`libvirtd exited: ${log}`);
    if (existsSync(socket) && spawnSync('virsh', ['-c', uri, 'version'], { timeout: 30_000 }).status === 0)
      return { uri, process: proc, log: () => log, stop };
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`libvirtd did not answer within 60 s: ${log}`);
}
