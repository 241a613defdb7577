/**
 * The .deb in a guest with no Node: a Debian userland guest (the host's root
 * over 9p, read-only, under a tmpfs overlay) has the host's `node` removed
 * from its overlay, installs dist-bin/qga_<version>_amd64.deb with `dpkg -i`
 * (which takes qemu-guest-agent out: Conflicts + Replaces), and runs the
 * installed /usr/sbin/qga on the virtio-serial port. The host then talks to it
 * through QEMU's chardev socket, as libvirt does. Nothing here changes the
 * host: dpkg's database and /usr are the overlay's.
 */
import t, { type Test } from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareGuestKernel } from './vm-kernel.js';
import { buildInitramfs } from './vm-initramfs.js';
import { bootVm } from './vm-machine.js';
import { connectAndSync } from './vm-sync.js';
import { missingVmTools } from './vm-tools.js';
import type { RawClient } from '../support/raw-client.js';
import { execute, request } from '../support/session.js';

const repo = new URL('../../..', import.meta.url).pathname;
const cacheDir = join(repo, '.cache', 'vm');
const version = (JSON.parse(readFileSync(join(repo, 'packages', 'agent', 'package.json'), 'utf8')) as { version: string }).version;
/** What `npm run build:deb` writes (QGA_DEB names another). */
const deb = process.env.QGA_DEB ?? join(repo, 'dist-bin', `qga_${version}-1_amd64.deb`);
const PORT = 'org.qemu.guest_agent.0';
const BEYOND_2_53 = '9007199254740993';
const DPKG_LOG = '/run/qga-dpkg.log';
const hostHasQemuGa = existsSync('/var/lib/dpkg/info/qemu-guest-agent.list');

/** Runs in the guest's root before the agent starts: no Node anywhere on PATH, then dpkg -i. */
const SETUP = `export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
for n in node nodejs; do for p in $(which -a $n); do rm -f "$p"; done; done
if command -v node >/dev/null; then echo "qga-vm: node is still reachable"; fi
# man-db's trigger re-indexes every man page (minutes over 9p under TCG); image builders turn it off the same way.
rm -f /var/lib/man-db/auto-update
# dpkg's lines go to the console as they come (a slow step shows where it is) and to the log.
{ dpkg -i ${deb} </dev/null 2>&1; echo "qga-vm: dpkg -i exited with $?"; } | tee ${DPKG_LOG} | sed -u 's/^/qga-vm: dpkg: /'`;

interface Ran {
  readonly exitcode: number | undefined;
  readonly out: string;
  readonly err: string;
}

/** guest-exec through the installed agent, waiting for the program to end. */
async function guestRun(host: RawClient, path: string, args: string[]): Promise<Ran> {
  const { pid } = await execute(host, 'guest-exec', { path, arg: args, 'capture-output': true });
  for (let i = 0; i < 600; i++) {
    const s = await execute(host, 'guest-exec-status', { pid }, 30_000);
    if (s.exited) {
      const text = (b64?: string) => Buffer.from(b64 ?? '', 'base64').toString('utf8');
      return { exitcode: s.exitcode, out: text(s['out-data']), err: text(s['err-data']) };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${path} ${args.join(' ')} did not end in the guest`);
}

/** The console up to the agent's first restarts (later lines repeat). */
function consoleHead(text: string): string {
  return text.split('\n').slice(0, 120).join('\n');
}

/** Polls `get` every 0.5 s until it returns something, or undefined after `ms`. */
async function waitFor<T>(get: () => T | undefined, ms: number): Promise<T | undefined> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 500))) {
    const value = get();
    if (value !== undefined) return value;
  }
  return undefined;
}

const sh = (host: RawClient, script: string) => guestRun(host, '/bin/sh', ['-c', script]);

const missing = missingVmTools();
const skip = missing.length
  ? `skip: missing ${missing.join(', ')}`
  : !existsSync(deb)
    ? `skip: ${deb} not built (npm run build:sea && npm run build:deb)`
    : false;

// CI builds the .deb (.ci/run sets QGA_SEA_REQUIRED): there, a missing one is a failure.
if (!missing.length && !existsSync(deb) && process.env['QGA_SEA_REQUIRED'] === '1') t.fail(`${skip}: CI must build it`);

t.test('the .deb installs in a guest without Node and the agent answers over virtio-serial', { skip }, async (t: Test) => {
  const kernel = prepareGuestKernel(cacheDir);
  const dir = mkdtempSync(join(tmpdir(), 'qga-vmdeb-'));
  const initrd = join(dir, 'initrd.cpio');
  writeFileSync(
    initrd,
    buildInitramfs({
      files: {},
      modules: kernel.modules,
      hostRoot: true,
      setup: SETUP,
      agents: [{ port: PORT, name: 'qga', command: `/usr/sbin/qga -m virtio-serial -p /dev/virtio-ports/${PORT}` }],
    }),
  );
  const started = Date.now();
  const vm = bootVm({ dir, kernel: kernel.vmlinux, initrd, memoryMb: 1024, shares: [{ tag: 'hostroot', hostPath: '/', readonly: true }] });
  process.once('exit', () => vm.process.kill('SIGKILL'));
  t.teardown(async () => {
    // A referenced timer keeps the loop alive while QEMU quits (see conformance-vm.test.ts).
    const keepAlive = setInterval(() => {}, 1000);
    await vm.destroy();
    clearInterval(keepAlive);
    rmSync(dir, { recursive: true, force: true });
  });

  // Boot and dpkg -i (its database read over 9p, under TCG): a failed install ends the test at once.
  const dpkgExit = await waitFor(() => /qga-vm: dpkg -i exited with (\d+)/.exec(vm.console())?.[1], 400_000);
  if (dpkgExit !== '0') {
    t.fail(`dpkg -i in the guest exited with ${dpkgExit ?? '(nothing within 400 s)'}`, { console: consoleHead(vm.console()) });
    return;
  }
  t.pass('dpkg -i exited with 0');
  let host: RawClient;
  try {
    host = await connectAndSync(vm.qgaSocket, 120_000);
  } catch (e) {
    t.comment(consoleHead(vm.console()));
    throw e;
  }
  t.pass(`the installed /usr/sbin/qga answers guest-sync-delimited (${((Date.now() - started) / 1000).toFixed(1)} s after QEMU started)`);
  t.notMatch(vm.console(), /node is still reachable/, 'no node on PATH before the agent started');

  t.equal(await request(host, '{"execute":"guest-ping"}'), '{"return": {}}', 'guest-ping answered');
  const info = await execute(host, 'guest-info');
  t.match(info.version, /^\d+\.\d+\.\d+$/, `guest-info answered (version ${info.version})`);
  t.ok(
    (info.supported_commands as { name: string; enabled: boolean }[]).some((c) => c.name === 'guest-get-osinfo' && c.enabled),
    'guest-info lists the Linux commands',
  );

  const node = await sh(host, 'command -v node || command -v nodejs');
  t.not(node.exitcode, 0, `command -v node fails in the guest (printed ${JSON.stringify(node.out.trim())})`);
  // The agent is the shell's parent: the executable it runs is the package's, not a node.
  const exe = await sh(host, 'readlink -f /proc/$PPID/exe');
  t.equal(exe.out.trim(), '/usr/sbin/qga', 'the answering process runs /usr/sbin/qga');
  // 2^53 + 1 is not a JS number: only lseek64 through koffi (/usr/lib/qga/koffi.node) returns it exactly.
  const handle = await execute(host, 'guest-file-open', { path: '/run/qga-seek-test', mode: 'w+' });
  t.equal(
    await request(host, `{"execute":"guest-file-seek","arguments":{"handle":${handle},"offset":${BEYOND_2_53},"whence":"set"}}`),
    `{"return": {"eof": false, "position": ${BEYOND_2_53}}}`,
    'a native call works: seek past 2^53 through /usr/lib/qga/koffi.node',
  );
  await execute(host, 'guest-file-close', { handle });
  const dashV = await sh(host, '/usr/sbin/qga -V');
  t.ok(dashV.out.startsWith(`qga ${version} `), `qga -V in the guest: ${dashV.out.trim()}`);
  const client = await sh(host, 'qga-client --help >/dev/null && echo ok');
  t.equal(client.out.trim(), 'ok', 'qga-client runs in the guest too');

  const status = await sh(host, "dpkg-query -W -f='${Status} ${Version}' qga");
  t.equal(status.out, `install ok installed ${version}-1`, `dpkg: ${status.out}`);
  const log = await sh(host, `cat ${DPKG_LOG}`);
  t.match(log.out, /Setting up qga /, 'dpkg configured qga (postinst ran without systemd or udev)');
  t.notMatch(log.out, /error|warning/i, 'dpkg printed no error or warning', { log: log.out });
  if (hostHasQemuGa) {
    t.match(log.out, /Removing qemu-guest-agent/, 'dpkg took qemu-guest-agent out (Conflicts + Replaces)');
    const old = await sh(host, "dpkg-query -W -f='${Status}' qemu-guest-agent");
    t.match(old.out, /(config-files|not-installed)$/, `qemu-guest-agent is no longer installed (${old.out})`);
  } else {
    t.test(
      'qemu-guest-agent replaced',
      { skip: 'qemu-guest-agent is not installed on this host, so there is nothing to replace' },
      async () => {},
    );
  }
  const wants = await sh(host, "readlink '/etc/systemd/system/dev-virtio\\x2dports-org.qemu.guest_agent.0.device.wants/qga.service'");
  // /lib is /usr/lib on a merged-/usr system; deb-systemd-helper may name either.
  t.match(
    wants.out.trim(),
    /^(\/usr)?\/lib\/systemd\/system\/qga\.service$/,
    `postinst enabled qga.service for the port device (${wants.out.trim()})`,
  );
  await host.close();
});
