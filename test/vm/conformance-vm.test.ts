/**
 * The conformance suite through a real VM, in two guests (busybox userland;
 * Debian's: the host's root over 9p, read-only, under a tmpfs overlay). Each guest runs both agents, qemu-ga
 * on virtio-serial port org.qemu.guest_agent.0 and ours on
 * org.qemu.guest_agent.1, and the case files of test/conformance/ run
 * unchanged against them through QEMU's chardev sockets (QGA_VM_AGENTS tells
 * test/support to hand out VM-backed agents). Each agent's working and state
 * dir is a host dir shared read-write over 9p at the same path, so the cases
 * that check files on disk still can.
 */
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareGuestKernel, type GuestKernel } from './vm-kernel.js';
import { binaryWithLibraries, buildInitramfs } from './vm-initramfs.js';
import { bootVm, portSocket } from './vm-machine.js';
import { connectAndSync } from './vm-sync.js';
import { checkVsockInGuest, VSOCK_PORT } from './vsock-in-guest.js';
import { missingVmTools } from './vm-tools.js';

const repo = new URL('../../..', import.meta.url).pathname;
const cacheDir = join(repo, '.cache', 'vm');
const bundleDir = join(repo, 'packages', 'agent', 'dist');
const conformance = join(repo, 'test', 'dist', 'conformance');
const QEMU_GA = '/usr/sbin/qemu-ga';
const PORTS = { 'qemu-ga': 'org.qemu.guest_agent.0', ours: 'org.qemu.guest_agent.1' } as const;

/** Case files run in the VM. */
const IN_VM = ['protocol-errors.test.js', 'framing.test.js', 'shared-agent.test.js'];
/** Case files that do not, and why. */
const NOT_IN_VM: Record<string, string> = {
  'command-filters.test.js': 'each case starts an agent with its own -b/-a and a pre-planted state dir',
  'config-osinfo.test.js': 'each case starts an agent with its own QGA_CONF / QGA_OS_RELEASE or runs -D',
  'mock-backend.test.js': 'ours with --backend mock only; nothing of the guest is used',
  'ssh-keys.test.js': 'creates users and home directories on the host',
  'size-limits.test.js': 'pushes 4 x 64 MiB; under TCG that alone would take minutes of CI',
};

const missing = missingVmTools();

type Guest = 'busybox' | 'debian';
/** QGA_VM_GUESTS=debian (say) runs one guest only. */
const GUESTS = (process.env.QGA_VM_GUESTS ?? 'busybox,debian').split(',') as Guest[];
// A plan keeps the root test open across the awaits between its children.
if (!missing.length) t.plan(Object.keys(NOT_IN_VM).length + GUESTS.length * (3 + IN_VM.length) + (GUESTS.includes('debian') ? 1 : 0));
for (const [file, why] of Object.entries(NOT_IN_VM)) t.test(`${file} in the VM`, { skip: why }, async () => {});


/** Boots one guest of `kind` with both agents; resolves once both answer (boot to first reply, measured). */
async function bootGuest(kind: Guest, kernel: GuestKernel) {
  const dir = mkdtempSync(join(tmpdir(), 'qga-vmconf-'));
  const work = join(dir, 'work');
  for (const name of Object.keys(PORTS)) mkdirSync(join(work, name), { recursive: true });
  const initrd = join(dir, 'initrd.cpio');
  // busybox: the binaries and their libraries are copied in; debian: the host's root is the guest's, so paths are the host's.
  const bundle = kind === 'busybox' ? '/qga/qga.mjs' : join(bundleDir, 'qga.mjs');
  const files =
    kind === 'busybox' ? { ...binaryWithLibraries(QEMU_GA), ...binaryWithLibraries(process.execPath), [bundle]: join(bundleDir, 'qga.mjs') } : {};
  writeFileSync(
    initrd,
    buildInitramfs({
      files,
      modules: kernel.modules,
      hostRoot: kind === 'debian',
      mounts: [{ tag: 'work', path: work }],
      setup: 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root',
      agents: [
        { port: PORTS['qemu-ga'], cwd: join(work, 'qemu-ga'), command: `${QEMU_GA} -m virtio-serial -p /dev/virtio-ports/${PORTS['qemu-ga']} -t ${join(work, 'qemu-ga')}` },
        {
          port: PORTS.ours,
          cwd: join(work, 'ours'),
          command: `${process.execPath} ${bundle} --backend linux -m virtio-serial -p /dev/virtio-ports/${PORTS.ours} -t ${join(work, 'ours')}`,
        },
        // Debian's guest kernel has vsock_loopback: ours on vsock-listen, reached over CID 1 from inside the guest.
        ...(kind === 'debian'
          ? [{ name: 'ours-vsock', cwd: join(work, 'ours'), command: `${process.execPath} ${bundle} --backend linux -m vsock-listen -p 1:${VSOCK_PORT} -t ${join(work, 'ours')}` }]
          : []),
      ],
    }),
  );
  const started = Date.now();
  const shares = [{ tag: 'work', hostPath: work, readonly: false }, ...(kind === 'debian' ? [{ tag: 'hostroot', hostPath: '/', readonly: true }] : [])];
  // Room for qemu-ga's 2,097,152-token case (its parser keeps every token): 768 MiB is not enough.
  const vm = bootVm({ dir, kernel: kernel.vmlinux, initrd, memoryMb: 2048, extraPorts: [PORTS.ours], shares });
  // Safety net if a wait below throws; the normal end is powerOff().
  process.once('exit', () => vm.process.kill('SIGKILL'));
  const powerOff = async (): Promise<void> => {
    // Seen: at the top level of a tap file the loop may run out of referenced handles while QEMU quits
    // (the process then exits mid-wait); a referenced timer keeps it alive until QEMU is gone.
    const keepAlive = setInterval(() => {}, 1000);
    await vm.destroy();
    clearInterval(keepAlive);
    rmSync(dir, { recursive: true, force: true });
  };
  const sockets = { 'qemu-ga': vm.qgaSocket, ours: portSocket(dir, PORTS.ours) };
  try {
    // Both agents waited for together: boot to first reply of each. This also drains what QEMU held during boot.
    const answered = await Promise.all(
      Object.entries(sockets).map(async ([name, socket]) => {
        const c = await connectAndSync(socket, 150_000);
        const seconds = (Date.now() - started) / 1000;
        await c.close();
        return `${kind}: ${name} answers through the guest's virtio-serial port (${seconds.toFixed(1)} s after QEMU started)`;
      }),
    );
    answered.forEach((line) => t.pass(line));
  } catch (e) {
    console.error(vm.console().slice(-3000));
    throw e;
  }
  return { vm, sockets, work, powerOff };
}

if (missing.length) {
  t.test('conformance suite in VM guests', { skip: `missing ${missing.join(', ')}` }, async () => {});
} else {
  const kernel = prepareGuestKernel(cacheDir);
  for (const kind of GUESTS) {
    const { vm, sockets, work, powerOff } = await bootGuest(kind, kernel);
    const env = {
      ...process.env,
      QGA_VM_AGENTS: JSON.stringify({
        guest: kind,
        agents: { 'qemu-ga': { socket: sockets['qemu-ga'], dir: join(work, 'qemu-ga') }, ours: { socket: sockets.ours, dir: join(work, 'ours') } },
      }),
    };
    // Each case file is a child of this file, so its result counts in the run's totals.
    for (const file of IN_VM) {
      // Drain what an earlier file may have left in flight, so each file starts on a quiet port.
      for (const socket of Object.values(sockets)) await (await connectAndSync(socket, 60_000)).close();
      const r = await t.spawn(process.execPath, [join(conformance, file)], { env }, `${file} in the ${kind} VM`);
      if (r && !r.ok) console.error(vm.console().slice(-3000));
    }
    if (kind === 'debian') {
      await t.test('debian: vsock end to end inside the guest (ours on vsock-listen, a client over CID 1)', async (t) => {
        const via = await connectAndSync(sockets['qemu-ga'], 60_000);
        await checkVsockInGuest(t, via, () => vm.console());
        await via.close();
      });
    }
    await powerOff();
    t.pass(`${kind}: the guest is powered off and its files are removed`);
  }
}
