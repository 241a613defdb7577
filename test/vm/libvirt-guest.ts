/**
 * libvirt drives the agents (libvirt-vm-*.test.ts, one guest kind each): a
 * private libvirtd (test/vm/private-libvirtd.ts) and one transient TCG domain —
 * Debian's userland (the host's root over 9p under a tmpfs overlay) or a
 * busybox initramfs (the host's node and qemu-ga with their libraries, the
 * repository over 9p for the bundle) — with qemu-ga, then ours, on the
 * org.qemu.guest_agent.0 channel, and the virsh commands that use the agent,
 * each run against both in the same guest: ours must succeed exactly where
 * qemu-ga does. The guest's clock, passwords and keys are its own (overlay,
 * tmpfs): nothing here changes the host.
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

/**
 * Both agents in the same guest, one after the other on the one agent channel libvirt uses: the
 * guest's init runs whichever /run/qga/which names (qemu-ga first), and a swap is `echo ours >
 * /run/qga/which` and SIGTERM to the running agent, which init then restarts as the other one.
 */
const AGENT_CHOOSER = [
  ...(Object.keys(AGENTS) as AgentName[]).map((a) => `echo '${AGENTS[a]}' > /run/qga/cmd-${a}`),
  'echo qemu-ga > /run/qga/which',
].join('\n');
const CHOSEN_AGENT = `sh -c 'echo $$ > /run/qga/agent.pid; exec $(cat /run/qga/cmd-$(cat /run/qga/which))'`;
/**
 * shutdown as both agents run it (qemu-ga: /sbin/shutdown; Debian's is systemctl, which needs systemd),
 * logged. For qemu-ga, the first agent, it hands the channel over to ours instead of powering off (libvirt
 * waits for the guest to shut down or the agent to go away, and takes the agent's hang-up as done); for
 * ours, the last, it powers off (poweroff -f).
 */
const SHUTDOWN_SETUP = `for f in /sbin/shutdown /usr/sbin/shutdown; do rm -f $f; cat > $f <<'SHEOF'
#!/bin/sh
echo "$(cat /run/qga/which): shutdown $*" >> /run/qga/shutdown.log
if [ "$(cat /run/qga/which)" != ours ]; then echo ours > /run/qga/which; kill $(cat /run/qga/agent.pid); exit 0; fi
sync
case "$*" in *-r*) exec /bin/busybox reboot -f;; *) exec /bin/busybox poweroff -f;; esac
SHEOF
chmod 755 $f; done`;

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
  t.teardown(() => clearInterval(keepAlive));
  process.once('exit', () => libvirtd?.process.kill('SIGKILL'));
  const domain = `qga-test-${kind}`;
  const readConsole = (): string => {
    try {
      return readFileSync(join(dir, 'guest', 'console.log'), 'utf8').slice(-3000);
    } catch (e) {
      return String(e);
    }
  };
  const agentCommand = (json: object, timeoutMs = 20_000) =>
    virshAsync(libvirtd!.uri, ['qemu-agent-command', domain, '--timeout', '5', JSON.stringify(json)], timeoutMs);
  /** Waits for the agent to answer guest-info through libvirt; resolves with its version, or undefined. */
  const waitAgent = async (notVersion?: string): Promise<{ version?: string; seconds: number; last: Run }> => {
    const started = Date.now();
    let last: Run = { code: null, out: '' };
    while (Date.now() - started < 180_000) {
      last = await agentCommand({ execute: 'guest-info' });
      const version = last.code === 0 ? (JSON.parse(last.out).return?.version as string | undefined) : undefined;
      if (version !== undefined && version !== notVersion) return { version, seconds: (Date.now() - started) / 1000, last };
      await new Promise((res) => setTimeout(res, 500));
    }
    return { seconds: (Date.now() - started) / 1000, last };
  };
  let qemuGaVersion: string | undefined;

  await t.test(`${kind}: a private libvirtd boots a TCG domain with qemu-ga on the agent channel; libvirt reaches it`, async (t) => {
    libvirtd = await startPrivateLibvirtd(join(dir, 'libvirtd'));
    const d = join(dir, 'guest');
    mkdirSync(d);
    const initrd = join(d, 'initrd.cpio');
    const agents = [{ port: PORT, command: CHOSEN_AGENT }];
    writeFileSync(
      initrd,
      buildInitramfs(
        kind === 'debian'
          ? { files: {}, modules: kernel.modules, hostRoot: true, setup: [POWER_SETUP, AGENT_CHOOSER, SHUTDOWN_SETUP].join('\n'), agents }
          : {
              files: { ...binaryWithLibraries('/usr/sbin/qemu-ga'), ...binaryWithLibraries(process.execPath) },
              modules: kernel.modules,
              mounts: [{ tag: 'repo', path: repo }],
              setup: ['export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root', AGENT_CHOOSER, SHUTDOWN_SETUP].join('\n'),
              agents,
            },
      ),
    );
    writeFileSync(join(d, 'domain.xml'), domainXml(kind, domain, d, kernel.vmlinux, initrd));
    const created = await virshAsync(libvirtd.uri, ['create', join(d, 'domain.xml')]);
    t.equal(created.code, 0, 'virsh create', { out: created.out, log: libvirtd.log().slice(-2000) });
    if (created.code !== 0) return;
    const first = await waitAgent();
    qemuGaVersion = first.version;
    t.match(first.version, /^7\.2\./, `qemu-ga: libvirt's first guest-info answered ${first.seconds.toFixed(1)} s after virsh create`, {
      out: first.last.out,
      console: first.version ? '' : readConsole(),
    });
  });

  /** One virsh command, run against qemu-ga first, then (after the swap) against ours in the same guest; ours must succeed exactly where qemu-ga does. */
  const steps: { title: string; args: (domain: string) => string[]; check?: (t: Test, r: Record<AgentName, Run>) => void }[] = [];
  const both = async (title: string, args: (domain: string) => string[], check?: (t: Test, r: Record<AgentName, Run>) => void) => {
    steps.push({ title, args, check });
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
  await both(
    'virsh domhostname --source agent',
    (d) => ['domhostname', d, '--source', 'agent'],
    (t, r) => {
      succeeds(t, r);
      t.equal(r.ours.out, r['qemu-ga'].out, 'the same host name');
    },
  );
  await both(
    'virsh guestvcpus',
    (d) => ['guestvcpus', d],
    (t, r) => {
      succeeds(t, r);
      t.equal(r.ours.out, r['qemu-ga'].out, 'the same vcpu listing');
    },
  );
  await both('virsh domtime', (d) => ['domtime', d], succeeds);
  await both('virsh domtime --pretty', (d) => ['domtime', d, '--pretty'], succeeds);
  // These set the GUEST's clock (inside the VM), never the host's.
  await both('virsh domtime --time', (d) => ['domtime', d, '--time', String(Math.floor(Date.now() / 1000))], succeeds);
  await both('virsh domtime --now', (d) => ['domtime', d, '--now'], succeeds);
  await both('virsh domtime --sync', (d) => ['domtime', d, '--sync'], succeeds);

  const keyFile = join(dir, 'keys');
  writeFileSync(keyFile, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVnZ2VnZ2VnZ2VnZ2VnZ2VnZ2VnZ2VnZ2VnZ2VnZ2VnZ2Vn qga@test\n');
  await both('virsh set-user-sshkeys (add)', (d) => ['set-user-sshkeys', d, 'root', '--file', keyFile], succeeds);
  await both(
    'virsh get-user-sshkeys after add',
    (d) => ['get-user-sshkeys', d, 'root'],
    (t, r) => {
      succeeds(t, r);
      t.match(r.ours.out, /qga@test/, 'the key is listed');
      t.equal(r.ours.out, r['qemu-ga'].out, 'the same listing');
    },
  );
  await both('virsh set-user-sshkeys --remove', (d) => ['set-user-sshkeys', d, 'root', '--remove', '--file', keyFile], succeeds);
  await both(
    'virsh get-user-sshkeys after remove',
    (d) => ['get-user-sshkeys', d, 'root'],
    (t, r) => {
      succeeds(t, r);
      t.notMatch(r.ours.out, /qga@test/, 'the key is gone');
    },
  );
  await both('virsh set-user-sshkeys --reset', (d) => ['set-user-sshkeys', d, 'root', '--reset', '--file', keyFile], succeeds);
  await both(
    'virsh get-user-sshkeys after reset',
    (d) => ['get-user-sshkeys', d, 'root'],
    (t, r) => {
      succeeds(t, r);
      t.equal(r.ours.out, r['qemu-ga'].out, 'the same listing');
    },
  );
  // Both agents set passwords with chpasswd, as qemu-ga does; busybox has no chpasswd applet, so there both fail alike.
  const passwordCheck = kind === 'busybox' ? failsAlike('the busybox guest has no chpasswd') : succeeds;
  await both('virsh set-user-password', (d) => ['set-user-password', d, 'root', 'guest-only-secret'], passwordCheck);
  await both(
    'virsh set-user-password --encrypted',
    (d) => [
      'set-user-password',
      d,
      'root',
      '$6$saltsalt$0Hm4DqeMsn0yn5WdWsGxlSoMrKMGTeqsEsgddZR0jqMoCjKTDnuEoXoLKWAmrWJsQpK4ge9nvO3rMAyGSqs8m1',
      '--encrypted',
    ],
    passwordCheck,
  );
  await both('virsh domfsfreeze', (d) => ['domfsfreeze', d]);
  await both('virsh domfsthaw', (d) => ['domfsthaw', d]);
  // The guests' filesystems are overlay/9p/tmpfs, none of which a freeze covers ("Froze 0 filesystem(s)"
  // on one run, an error on another): only "ours does what qemu-ga does" is checked for freeze/thaw/trim.
  await both('virsh domfsfreeze --mountpoint /', (d) => ['domfsfreeze', d, '--mountpoint', '/']);
  await both('virsh domfsthaw --mountpoint /', (d) => ['domfsthaw', d, '--mountpoint', '/']);
  await both('virsh domfstrim', (d) => ['domfstrim', d]);
  await both(
    'virsh qemu-agent-command',
    (d) => ['qemu-agent-command', d, '{"execute":"guest-get-host-name"}'],
    (t, r) => {
      succeeds(t, r);
      t.equal(r.ours.out, r['qemu-ga'].out, 'the same reply');
    },
  );
  await both(
    'virsh shutdown --mode agent',
    (d) => ['shutdown', d, '--mode', 'agent'],
    (t, r) => {
      succeeds(t, r);
    },
  );
  const qemuGaRuns = new Map<string, Run>();
  await t.test(`${kind}: every command through libvirt against qemu-ga (compared with ours below)`, async (t) => {
    for (const step of steps) {
      const r = await virshAsync(libvirtd!.uri, step.args(domain));
      qemuGaRuns.set(step.title, r);
      t.pass(`${step.title}: exit ${r.code}`);
    }
    const state = await virshAsync(libvirtd!.uri, ['domstate', domain]);
    t.equal(state.out, 'running', "qemu-ga's shutdown hands over to ours: the guest keeps running");
  });
  await t.test(`${kind}: ours replaces qemu-ga on the same channel of the same guest`, async (t) => {
    const next = await waitAgent(qemuGaVersion);
    t.ok(
      next.version,
      `ours answers guest-info through libvirt ${next.seconds.toFixed(1)} s after qemu-ga's shutdown (version ${next.version})`,
      { out: next.last.out, console: next.version ? '' : readConsole() },
    );
    const open = await agentCommand({ execute: 'guest-file-open', arguments: { path: '/run/qga/shutdown.log' } });
    const handle = open.code === 0 ? (JSON.parse(open.out).return as number) : undefined;
    const read = handle === undefined ? open : await agentCommand({ execute: 'guest-file-read', arguments: { handle } });
    const log = read.code === 0 ? Buffer.from(JSON.parse(read.out).return['buf-b64'], 'base64').toString() : read.out;
    t.match(log, /^qemu-ga: shutdown -h -P \+0/, 'qemu-ga ran /sbin/shutdown -h -P +0 for shutdown --mode agent');
  });
  for (const step of steps) {
    await t.test(step.title, async (t) => {
      const r = { 'qemu-ga': qemuGaRuns.get(step.title) as Run, ours: await virshAsync(libvirtd!.uri, step.args(domain)) };
      t.equal(r.ours.code === 0, r['qemu-ga'].code === 0, `ours ${r.ours.code === 0 ? 'succeeds' : 'fails'} as qemu-ga does`, {
        ours: r.ours.out,
        'qemu-ga': r['qemu-ga'].out,
      });
      step.check?.(t, r);
    });
  }
  await t.test(`${kind}: the guest powers off after ours' shutdown --mode agent; libvirtd stops`, async (t) => {
    let gone = false;
    for (let i = 0; i < 120 && !gone; i++) {
      gone = (await virshAsync(libvirtd!.uri, ['domstate', domain])).code !== 0;
      if (!gone) await new Promise((res) => setTimeout(res, 500));
    }
    t.ok(gone, 'the transient domain is gone (the guest powered off)', { console: gone ? '' : readConsole() });
    if (!gone) await virshAsync(libvirtd!.uri, ['destroy', domain]);
    await libvirtd!.stop();
    clearInterval(keepAlive);
    rmSync(dir, { recursive: true, force: true });
  });
}
