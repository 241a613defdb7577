/**
 * libvirt drives the agents (libvirt-vm-*.test.ts, one guest kind each): a
 * private libvirtd (test/vm/private-libvirtd.ts), two transient TCG domains of
 * the same guest — Debian's userland (the host's root over 9p under a tmpfs
 * overlay) or a busybox initramfs (the host's node and qemu-ga with their
 * libraries, the repository over 9p for the bundle) — one with ours and one
 * with qemu-ga on the org.qemu.guest_agent.0 channel, and the virsh commands that use the agent,
 * each run against both: ours must succeed exactly where qemu-ga does. The
 * guests' clocks, passwords and keys are the guests' own (overlay, tmpfs):
 * nothing here changes the host.
 */
import type { Test } from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareGuestKernel } from './vm-kernel.js';
import { binaryWithLibraries, buildInitramfs } from './vm-initramfs.js';
import { startPrivateLibvirtd, type PrivateLibvirtd } from './private-libvirtd.js';

const repo = new URL('../../..', import.meta.url).pathname;
const bundle = join(repo, 'packages', 'agent', 'dist', 'qga.mjs');
const PORT = 'org.qemu.guest_agent.0';
const AGENTS = {
  'qemu-ga': `/usr/sbin/qemu-ga -m virtio-serial -p /dev/virtio-ports/${PORT} -t /run/qga`,
  ours: `${process.execPath} ${bundle} --backend linux -m virtio-serial -p /dev/virtio-ports/${PORT} -t /run/qga`,
} as const;
type AgentName = keyof typeof AGENTS;

/** Debian's shutdown is systemctl, which needs systemd: the guest powers off directly instead (for both agents). */
const POWER_SETUP = [
  'for f in shutdown poweroff halt reboot; do rm -f /usr/sbin/$f /sbin/$f; done',
  `printf '#!/bin/sh\\necho "qga-vm: shutdown $*"\\ncase "$*" in *-r*) exec /bin/busybox reboot -f;; *) exec /bin/busybox poweroff -f;; esac\\n' > /usr/sbin/shutdown`,
  `printf '#!/bin/sh\\necho "qga-vm: poweroff $*"\\nexec /bin/busybox poweroff -f\\n' > /usr/sbin/poweroff`,
  'chmod 755 /usr/sbin/shutdown /usr/sbin/poweroff',
].join('\n');

export type LibvirtGuest = 'debian' | 'busybox';

const missing = ['libvirtd', 'virsh', 'unshare', 'qemu-system-x86_64', '/bin/busybox', '/usr/sbin/qemu-ga'].filter(
  (c) => spawnSync('sh', ['-c', c.startsWith('/') ? `test -x ${c}` : `command -v ${c}`]).status !== 0,
);

function domainXml(kind: LibvirtGuest, name: string, dir: string, vmlinux: string, initrd: string): string {
  // debian: the host's root is the guest's (under an overlay); busybox: the repository, for the bundle and the koffi it ships.
  const share = kind === 'debian' ? `<source dir='/'/><target dir='hostroot'/>` : `<source dir='${repo}'/><target dir='repo'/>`;
  return `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>${vmlinux}</kernel><initrd>${initrd}</initrd><cmdline>console=ttyS0 quiet panic=-1</cmdline></os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff><on_reboot>destroy</on_reboot><on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <serial type='file'><source path='${join(dir, 'console.log')}'/><target port='0'/></serial>
    <channel type='unix'><source mode='bind' path='${join(dir, 'agent.sock')}'/><target type='virtio' name='${PORT}'/></channel>
    <filesystem type='mount' accessmode='passthrough' multidevs='remap'>${share}<readonly/></filesystem>
    <memballoon model='none'/>
  </devices>
</domain>`;
}

interface Run {
  readonly code: number | null;
  readonly out: string;
}

function virshAsync(uri: string, args: readonly string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn('virsh', ['-c', uri, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out: out.trim() });
    });
  });
}

/**
 * The whole run for one guest kind: boot a domain per agent, every virsh
 * command against both, power off through the agent.
 */
export async function libvirtInGuest(t: Test, kind: LibvirtGuest): Promise<void> {
  if (missing.length) {
    t.test(`libvirt drives the agents in the ${kind} guest`, { skip: `missing ${missing.join(', ')}` }, async () => {});
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'qga-libvirt-'));
  const kernel = prepareGuestKernel(join(repo, '.cache', 'vm'));
  let libvirtd: PrivateLibvirtd | undefined;
  const keepAlive = setInterval(() => {}, 1000);
  process.once('exit', () => libvirtd?.process.kill('SIGKILL'));
  const dom = (a: AgentName) => `qga-test-${kind}-${a}`;
  const readConsole = (a: AgentName): string => {
    try {
      return readFileSync(join(dir, a, 'console.log'), 'utf8').slice(-3000);
    } catch (e) {
      return String(e);
    }
  };
  const runs = new Map<string, Record<AgentName, Run>>();

  await t.test(`${kind}: a private libvirtd boots a TCG domain per agent; libvirt reaches each agent`, async (t) => {
    libvirtd = await startPrivateLibvirtd(join(dir, 'libvirtd'));
    for (const name of Object.keys(AGENTS) as AgentName[]) {
      const d = join(dir, name);
      mkdirSync(d);
      const initrd = join(d, 'initrd.cpio');
      writeFileSync(
        initrd,
        buildInitramfs(
          kind === 'debian'
            ? { files: {}, modules: kernel.modules, hostRoot: true, setup: POWER_SETUP, agents: [{ port: PORT, command: AGENTS[name] }] }
            : // busybox: its own /sbin/shutdown and poweroff (vm-initramfs.ts) power off directly.
              {
                files: { ...binaryWithLibraries('/usr/sbin/qemu-ga'), ...binaryWithLibraries(process.execPath) },
                modules: kernel.modules,
                mounts: [{ tag: 'repo', path: repo }],
                setup: 'export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root',
                agents: [{ port: PORT, command: AGENTS[name] }],
              },
        ),
      );
      writeFileSync(join(d, 'domain.xml'), domainXml(kind, dom(name), d, kernel.vmlinux, initrd));
    }
    const started = Date.now();
    const created = await Promise.all((Object.keys(AGENTS) as AgentName[]).map((a) => virshAsync(libvirtd!.uri, ['create', join(dir, a, 'domain.xml')])));
    created.forEach((r, i) => t.equal(r.code, 0, `virsh create (${Object.keys(AGENTS)[i]})`, { out: r.out, log: libvirtd!.log().slice(-2000) }));
    // Boot to first reply through libvirt (guest-ping via qemu-agent-command), both domains booting at once.
    if (created.some((r) => r.code !== 0)) return;
    await Promise.all(
      (Object.keys(AGENTS) as AgentName[]).map(async (a) => {
        let r: Run = { code: null, out: '' };
        while (Date.now() - started < 180_000) {
          r = await virshAsync(libvirtd!.uri, ['qemu-agent-command', dom(a), '--timeout', '5', '{"execute":"guest-ping"}'], 20_000);
          if (r.code === 0) break;
          await new Promise((res) => setTimeout(res, 500));
        }
        t.equal(r.code, 0, `${a}: libvirt's first guest-ping answered ${((Date.now() - started) / 1000).toFixed(1)} s after virsh create`, { out: r.out });
      }),
    );
  });

  /** Runs one virsh command against both domains and checks ours succeeds exactly where qemu-ga does. */
  const both = async (title: string, args: (domain: string) => string[], check?: (t: Test, r: Record<AgentName, Run>) => void) => {
    await t.test(title, async (t) => {
      const r = {} as Record<AgentName, Run>;
      for (const a of Object.keys(AGENTS) as AgentName[]) r[a] = await virshAsync(libvirtd!.uri, args(dom(a)));
      runs.set(title, r);
      t.equal(r.ours.code === 0, r['qemu-ga'].code === 0, `ours ${r.ours.code === 0 ? 'succeeds' : 'fails'} as qemu-ga does`, { ours: r.ours.out, 'qemu-ga': r['qemu-ga'].out });
      check?.(t, r);
    });
  };
  const succeeds = (t: Test, r: Record<AgentName, Run>) => {
    t.equal(r['qemu-ga'].code, 0, `qemu-ga: ${r['qemu-ga'].out.slice(0, 300)}`);
    t.equal(r.ours.code, 0, `ours: ${r.ours.out.slice(0, 300)}`);
  };
  const failsAlike = (why: string) => (t: Test, r: Record<AgentName, Run>) => {
    t.not(r['qemu-ga'].code, 0, `qemu-ga fails (${why}): ${r['qemu-ga'].out.slice(0, 300)}`);
    t.not(r.ours.code, 0, `ours fails (${why}): ${r.ours.out.slice(0, 300)}`);
  };

  await both('virsh guestinfo (all groups)', (d) => ['guestinfo', d], succeeds);
  for (const group of ['--user', '--os', '--timezone', '--hostname', '--filesystem', '--disk', '--interface']) {
    await both(`virsh guestinfo ${group}`, (d) => ['guestinfo', d, group], succeeds);
  }
  await both('virsh domfsinfo', (d) => ['domfsinfo', d]);
  await both('virsh domifaddr --source agent', (d) => ['domifaddr', d, '--source', 'agent'], succeeds);
  await both('virsh domhostname --source agent', (d) => ['domhostname', d, '--source', 'agent'], (t, r) => {
    succeeds(t, r);
    t.equal(r.ours.out, r['qemu-ga'].out, 'the same host name');
  });
  await both('virsh guestvcpus', (d) => ['guestvcpus', d], (t, r) => {
    succeeds(t, r);
    t.equal(r.ours.out, r['qemu-ga'].out, 'the same vcpu listing');
  });
  await both('virsh domtime', (d) => ['domtime', d], succeeds);
  await both('virsh domtime --pretty', (d) => ['domtime', d, '--pretty'], succeeds);
  // These set the GUEST's clock (inside the VM), never the host's.
  await both('virsh domtime --time', (d) => ['domtime', d, '--time', String(Math.floor(Date.now() / 1000))], succeeds);
  await both('virsh domtime --now', (d) => ['domtime', d, '--now'], succeeds);
  await both('virsh domtime --sync', (d) => ['domtime', d, '--sync'], succeeds);

  const keyFile = join(dir, 'keys');
  writeFileSync(keyFile, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVnZ2VnZ2VnZ2VnZ2VnZ2VnZ2VnZ2VnZ2VnZ2VnZ2VnZ2Vn qga@test\n');
  await both('virsh set-user-sshkeys (add)', (d) => ['set-user-sshkeys', d, 'root', '--file', keyFile], succeeds);
  await both('virsh get-user-sshkeys after add', (d) => ['get-user-sshkeys', d, 'root'], (t, r) => {
    succeeds(t, r);
    t.match(r.ours.out, /qga@test/, 'the key is listed');
    t.equal(r.ours.out, r['qemu-ga'].out, 'the same listing');
  });
  await both('virsh set-user-sshkeys --remove', (d) => ['set-user-sshkeys', d, 'root', '--remove', '--file', keyFile], succeeds);
  await both('virsh get-user-sshkeys after remove', (d) => ['get-user-sshkeys', d, 'root'], (t, r) => {
    succeeds(t, r);
    t.notMatch(r.ours.out, /qga@test/, 'the key is gone');
  });
  await both('virsh set-user-sshkeys --reset', (d) => ['set-user-sshkeys', d, 'root', '--reset', '--file', keyFile], succeeds);
  await both('virsh get-user-sshkeys after reset', (d) => ['get-user-sshkeys', d, 'root'], (t, r) => {
    succeeds(t, r);
    t.equal(r.ours.out, r['qemu-ga'].out, 'the same listing');
  });
  // Both agents set passwords with chpasswd, as qemu-ga does; busybox has no chpasswd applet, so there both fail alike.
  const passwordCheck = kind === 'busybox' ? failsAlike('the busybox guest has no chpasswd') : succeeds;
  await both('virsh set-user-password', (d) => ['set-user-password', d, 'root', 'guest-only-secret'], passwordCheck);
  await both('virsh set-user-password --encrypted', (d) => ['set-user-password', d, 'root', '$6$saltsalt$0Hm4DqeMsn0yn5WdWsGxlSoMrKMGTeqsEsgddZR0jqMoCjKTDnuEoXoLKWAmrWJsQpK4ge9nvO3rMAyGSqs8m1', '--encrypted'], passwordCheck);
  await both('virsh domfsfreeze', (d) => ['domfsfreeze', d]);
  await both('virsh domfsthaw', (d) => ['domfsthaw', d]);
  // The guests' filesystems are overlay/9p/tmpfs, none of which a freeze covers ("Froze 0 filesystem(s)"
  // on one run, an error on another): only "ours does what qemu-ga does" is checked for freeze/thaw/trim.
  await both('virsh domfsfreeze --mountpoint /', (d) => ['domfsfreeze', d, '--mountpoint', '/']);
  await both('virsh domfsthaw --mountpoint /', (d) => ['domfsthaw', d, '--mountpoint', '/']);
  await both('virsh domfstrim', (d) => ['domfstrim', d]);
  await both('virsh qemu-agent-command', (d) => ['qemu-agent-command', d, '{"execute":"guest-get-host-name"}'], (t, r) => {
    succeeds(t, r);
    t.equal(r.ours.out, r['qemu-ga'].out, 'the same reply');
  });
  await both('virsh shutdown --mode agent', (d) => ['shutdown', d, '--mode', 'agent'], async (t, r) => {
    succeeds(t, r);
  });
  await t.test(`${kind}: the domains power off after shutdown --mode agent; libvirtd stops`, async (t) => {
    for (const a of Object.keys(AGENTS) as AgentName[]) {
      let gone = false;
      for (let i = 0; i < 120 && !gone; i++) {
        gone = (await virshAsync(libvirtd!.uri, ['domstate', dom(a)])).code !== 0;
        if (!gone) await new Promise((res) => setTimeout(res, 500));
      }
      t.ok(gone, `${a}: the transient domain is gone (the guest powered off)`, { console: gone ? '' : readConsole(a) });
      if (!gone) await virshAsync(libvirtd!.uri, ['destroy', dom(a)]);
    }
    await libvirtd!.stop();
    clearInterval(keepAlive);
    rmSync(dir, { recursive: true, force: true });
  });
}
