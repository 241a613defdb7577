import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { buildCpio, type CpioEntry } from './cpio-newc.js';

/** Files to place in the guest: guest path → host file. */
export type GuestFiles = Record<string, string>;

/** A host binary and every shared library `ldd` lists for it, at the same paths. */
export function binaryWithLibraries(binary: string): GuestFiles {
  const files: GuestFiles = { [binary]: binary };
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) files[m[1]!] = m[1]!;
  }
  return files;
}

/** One agent the guest's init runs (and restarts) on a named virtio-serial port. */
export interface GuestAgent {
  /** virtserialport name, e.g. org.qemu.guest_agent.0 (the device is /dev/virtio-ports/<name>); none for a vsock agent. */
  readonly port?: string;
  /** Name in the console's "agent NAME exited" lines (default: the port). */
  readonly name?: string;
  readonly command: string;
  /** Working directory (created if missing); default /. */
  readonly cwd?: string;
}

/** A host directory shared over 9p (QEMU -virtfs mount_tag=tag), mounted at `path` in the guest. */
export interface GuestMount {
  readonly tag: string;
  readonly path: string;
}

/** What runs once the root is in place: the 9p mounts, the setup lines, the agents (restarted when they exit). */
function stage2Script(agents: readonly GuestAgent[], mounts: readonly GuestMount[], extra: string): string {
  const mountLines = mounts
    .map(
      (m) =>
        `mkdir -p ${m.path} && mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 ${m.tag} ${m.path} || echo "qga-vm: mount ${m.tag} failed"`,
    )
    .join('\n');
  const agentLines = agents
    .map(
      (a) => `${a.port ? `port_ready ${a.port}` : ''}
mkdir -p ${a.cwd ?? '/'}
(cd ${a.cwd ?? '/'}; while :; do
  ${a.command}
  echo "qga-vm: agent ${a.name ?? a.port} exited with $?"
  sleep 1
done) &`,
    )
    .join('\n');
  return `${mountLines}
# No udev here: find a port by name in sysfs and make its device node (devtmpfs may have made it already).
port_ready() {
  while :; do
    for p in /sys/class/virtio-ports/vport*; do
      [ "$(cat $p/name 2>/dev/null)" = "$1" ] && break 2
    done
    sleep 0.05
  done
  dev=$(cat $p/dev)
  [ -e /dev/\${p##*/} ] || mknod /dev/\${p##*/} c \${dev%%:*} \${dev##*:}
  mkdir -p /dev/virtio-ports
  ln -sf /dev/\${p##*/} /dev/virtio-ports/$1
  echo "qga-vm: port $1 ready"
}
mkdir -p /run/qga
${extra}
${agentLines}
while :; do sleep 3600; done
`;
}

/**
 * PID 1: the kernel filesystems and modules, then either stage 2 right here
 * (busybox userland), or the host's root (9p tag `hostroot`, read-only)
 * under a tmpfs overlay, entered with chroot (Debian userland).
 */
function initScript(hostRoot: boolean): string {
  const common = `#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /run /tmp /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
hostname qga-vm
for m in $(cat /etc/modules.order); do insmod /lib/modules/qga/$m || echo "qga-vm: insmod $m failed"; done
`;
  if (!hostRoot) return `${common}. /stage2\n`;
  return `${common}mkdir -p /lower /upper /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro hostroot /lower || echo "qga-vm: mount hostroot failed"
mount -t tmpfs tmpfs /upper && mkdir -p /upper/u /upper/w
mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w /newroot || echo "qga-vm: overlay failed"
for d in proc sys dev run tmp; do mkdir -p /newroot/$d; done
mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
mkdir -p /newroot/dev/pts && mount -t devpts devpts /newroot/dev/pts
mount -t tmpfs tmpfs /newroot/run
mount -t tmpfs tmpfs /newroot/tmp
cp /stage2 /newroot/run/qga-stage2
echo "qga-vm: entering the host's root (overlay)"
exec chroot /newroot /bin/sh /run/qga-stage2
`;
}

/** busybox has no shutdown; these power off directly since our init is not busybox init. */
const POWER_SCRIPTS: Record<string, string> = {
  '/sbin/poweroff': '#!/bin/sh\nsync\nexec /bin/busybox poweroff -f\n',
  '/sbin/halt': '#!/bin/sh\nsync\nexec /bin/busybox poweroff -f\n',
  '/sbin/reboot': '#!/bin/sh\nsync\nexec /bin/busybox reboot -f\n',
  '/sbin/shutdown': '#!/bin/sh\nsync\ncase "$*" in *-r*) exec /bin/busybox reboot -f;; *) exec /bin/busybox poweroff -f;; esac\n',
};

export interface InitramfsOptions {
  /** One agent on org.qemu.guest_agent.0 (shorthand for `agents`). */
  readonly agentCommand?: string;
  readonly agents?: readonly GuestAgent[];
  readonly mounts?: readonly GuestMount[];
  /** Shell lines init runs after the mounts, before the agents start. */
  readonly setup?: string;
  /** Run stage 2 in the host's root shared over 9p (tag hostroot) under a tmpfs overlay: a Debian userland. */
  readonly hostRoot?: boolean;
  /** Files written into the guest from text: guest path → content (mode 0755). */
  readonly scripts?: Readonly<Record<string, string>>;
  readonly files: GuestFiles;
  readonly modules: readonly string[];
}

export function buildInitramfs(options: InitramfsOptions): Buffer {
  const agents = options.agents ?? (options.agentCommand ? [{ port: 'org.qemu.guest_agent.0', command: options.agentCommand }] : []);
  const entries: CpioEntry[] = [];
  const dirs = new Set<string>();
  const addDir = (path: string): void => {
    if (path === '/' || dirs.has(path)) return;
    addDir(dirname(path));
    dirs.add(path);
    entries.push({ kind: 'dir', path });
  };
  const addFile = (path: string, data: Buffer, mode: number): void => {
    addDir(dirname(path));
    entries.push({ kind: 'file', path, data, mode });
  };
  ['/bin', '/sbin', '/etc', '/dev', '/proc', '/sys', '/run', '/tmp', '/root'].forEach(addDir);
  entries.push({ kind: 'chardev', path: '/dev/console', major: 5, minor: 1 });
  addFile('/bin/busybox', readFileSync('/bin/busybox'), 0o755);
  addFile('/init', Buffer.from(initScript(options.hostRoot ?? false)), 0o755);
  addFile('/stage2', Buffer.from(stage2Script(agents, options.mounts ?? [], options.setup ?? '')), 0o755);
  for (const [path, text] of Object.entries(options.scripts ?? {})) addFile(path, Buffer.from(text), 0o755);
  addFile('/etc/passwd', Buffer.from('root:x:0:0:root:/root:/bin/sh\n'), 0o644);
  addFile('/etc/group', Buffer.from('root:x:0:\n'), 0o644);
  for (const [path, text] of Object.entries(POWER_SCRIPTS)) addFile(path, Buffer.from(text), 0o755);
  addFile('/etc/modules.order', Buffer.from(options.modules.map((m) => basename(m)).join('\n') + '\n'), 0o644);
  for (const module of options.modules) addFile(`/lib/modules/qga/${basename(module)}`, readFileSync(module), 0o644);
  for (const [guestPath, hostPath] of Object.entries(options.files)) {
    addFile(guestPath, readFileSync(realpathSync(hostPath)), 0o755);
  }
  return buildCpio(entries);
}
