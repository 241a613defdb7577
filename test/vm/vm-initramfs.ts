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

function initScript(agentCommand: string): string {
  return `#!/bin/busybox sh
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
# No udev here: find the port by name in sysfs and make its device node.
while :; do
  for p in /sys/class/virtio-ports/vport*; do
    [ "$(cat $p/name 2>/dev/null)" = org.qemu.guest_agent.0 ] && break 2
  done
  sleep 0.05
done
dev=$(cat $p/dev)
mknod /dev/\${p##*/} c \${dev%%:*} \${dev##*:}
mkdir -p /dev/virtio-ports
ln -s /dev/\${p##*/} /dev/virtio-ports/org.qemu.guest_agent.0
echo "qga-vm: port ready"
mkdir -p /run/qga
while :; do
  ${agentCommand}
  echo "qga-vm: agent exited with $?"
  sleep 1
done
`;
}

/** busybox has no shutdown; these power off directly since our init is not busybox init. */
const POWER_SCRIPTS: Record<string, string> = {
  '/sbin/poweroff': '#!/bin/sh\nsync\nexec /bin/busybox poweroff -f\n',
  '/sbin/halt': '#!/bin/sh\nsync\nexec /bin/busybox poweroff -f\n',
  '/sbin/reboot': '#!/bin/sh\nsync\nexec /bin/busybox reboot -f\n',
  '/sbin/shutdown':
    '#!/bin/sh\nsync\ncase "$*" in *-r*) exec /bin/busybox reboot -f;; *) exec /bin/busybox poweroff -f;; esac\n',
};

export function buildInitramfs(options: { agentCommand: string; files: GuestFiles; modules: readonly string[] }): Buffer {
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
  addFile('/init', Buffer.from(initScript(options.agentCommand)), 0o755);
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
