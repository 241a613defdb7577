/**
 * The conformance suite through a real VM (the test files conformance-vm-*.test.ts
 * each boot one guest with this): busybox userland, or Debian's (the host's root
 * over 9p, read-only, under a tmpfs overlay). Each guest runs qemu-ga on
 * virtio-serial port org.qemu.guest_agent.0 and ours on org.qemu.guest_agent.1,
 * a control qemu-ga on a port of its own (guest-exec for the cases: the agents
 * they start with their own command line go on spare ports), and the case files
 * of test/conformance/ run unchanged against them through QEMU's chardev sockets
 * (QGA_VM_AGENTS tells test/support to hand out VM-backed agents). Each agent's
 * working and state dir is a host dir shared read-write over 9p at the same path,
 * so the cases that check files on disk still can.
 */
import type { Test } from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareGuestKernel, type GuestKernel } from './vm-kernel.js';
import { binaryWithLibraries, buildInitramfs } from './vm-initramfs.js';
import { bootVm, portSocket } from './vm-machine.js';
import { connectAndSync } from './vm-sync.js';
import { checkVsockInGuest, VSOCK_PORT } from './vsock-in-guest.js';
import { missingVmTools } from './vm-tools.js';
import type { VmLauncher } from '../support/vm-agent.js';

const repo = new URL('../../..', import.meta.url).pathname;
const cacheDir = join(repo, '.cache', 'vm');
const bundleDir = join(repo, 'packages', 'agent', 'dist');
const conformance = join(repo, 'test', 'dist', 'conformance');
const QEMU_GA = '/usr/sbin/qemu-ga';
const PORTS = { 'qemu-ga': 'org.qemu.guest_agent.0', ours: 'org.qemu.guest_agent.1' } as const;
/** qemu-ga on a port of its own runs guest-exec for the cases: it starts their agents and looks at the guest's files. */
const CONTROL_PORT = 'org.qemu.guest_agent.control';
/** Spare ports for agents a case starts with its own command line (at most two run at once). */
const CASE_PORTS = ['org.qemu.guest_agent.case0', 'org.qemu.guest_agent.case1'];

export type Guest = 'busybox' | 'debian';

/** QGA_VM_FILES=ssh-keys,framing (say) runs those case files only. */
const ONLY = process.env.QGA_VM_FILES?.split(',');

/** Boots one guest of `kind` with both agents; resolves once both answer (boot to first reply, measured). */
async function bootGuest(t: Test, kind: Guest, kernel: GuestKernel) {
  const dir = mkdtempSync(join(tmpdir(), 'qga-vmconf-'));
  const work = join(dir, 'work');
  for (const name of Object.keys(PORTS)) mkdirSync(join(work, name), { recursive: true });
  const initrd = join(dir, 'initrd.cpio');
  // busybox: the binaries and their libraries are copied in; debian: the host's root is the guest's, so paths are the host's.
  // Both guests see the repository at its host path (busybox: shared read-only over 9p; debian: it is the host's root),
  // so the bundle runs with the koffi it ships, and the cases' fixtures and the example plugin are where the host has them.
  const bundle = join(bundleDir, 'qga.mjs');
  const files = kind === 'busybox' ? { ...binaryWithLibraries(QEMU_GA), ...binaryWithLibraries(process.execPath) } : {};
  writeFileSync(
    initrd,
    buildInitramfs({
      files,
      modules: kernel.modules,
      hostRoot: kind === 'debian',
      mounts: [{ tag: 'work', path: work }, ...(kind === 'busybox' ? [{ tag: 'repo', path: repo }] : [])],
      setup: [
        'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root',
        ...CASE_PORTS.map((p) => `port_ready ${p}`),
      ].join('\n'),
      agents: [
        {
          port: CONTROL_PORT,
          cwd: '/run/qga-control',
          command: `${QEMU_GA} -m virtio-serial -p /dev/virtio-ports/${CONTROL_PORT} -t /run/qga-control`,
        },
        {
          port: PORTS['qemu-ga'],
          cwd: join(work, 'qemu-ga'),
          command: `${QEMU_GA} -m virtio-serial -p /dev/virtio-ports/${PORTS['qemu-ga']} -t ${join(work, 'qemu-ga')}`,
        },
        {
          port: PORTS.ours,
          cwd: join(work, 'ours'),
          command: `${process.execPath} ${bundle} --backend linux -m virtio-serial -p /dev/virtio-ports/${PORTS.ours} -t ${join(work, 'ours')}`,
        },
        // Debian's guest kernel has vsock_loopback: ours on vsock-listen, reached over CID 1 from inside the guest.
        ...(kind === 'debian'
          ? [
              {
                name: 'ours-vsock',
                cwd: join(work, 'ours'),
                command: `${process.execPath} ${bundle} --backend linux -m vsock-listen -p 1:${VSOCK_PORT} -t ${join(work, 'ours')}`,
              },
            ]
          : []),
      ],
    }),
  );
  const started = Date.now();
  const shares = [
    { tag: 'work', hostPath: work, readonly: false },
    kind === 'debian' ? { tag: 'hostroot', hostPath: '/', readonly: true } : { tag: 'repo', hostPath: repo, readonly: true },
  ];
  // Room for qemu-ga's 2,097,152-token case (its parser keeps every token): 768 MiB is not enough.
  const vm = bootVm({ dir, kernel: kernel.vmlinux, initrd, memoryMb: 2048, extraPorts: [PORTS.ours, CONTROL_PORT, ...CASE_PORTS], shares });
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
    // All agents waited for together: boot to first reply of each. This also drains what QEMU held during boot.
    const answered = await Promise.all(
      Object.entries({ ...sockets, control: portSocket(dir, CONTROL_PORT) }).map(async ([name, socket]) => {
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
  return { vm, sockets, work, powerOff, dir, bundle };
}

/**
 * Boots one guest of `kind`, runs the case `files` in it (each a child of `t`,
 * so its results count in the run's totals), then (debian, `vsock`) the in-guest
 * vsock check, and powers the guest off. Returns after the plan is met.
 */
export async function conformanceInGuest(
  t: Test,
  kind: Guest,
  files: readonly string[],
  options: {
    vsock?: boolean;
    /** Per file: tap's grep (one pattern per subtest level), to run some of its cases only. */
    grep?: Readonly<Record<string, readonly string[]>>;
    /** Case files that do not run in a guest, each named as a skip with its reason. */
    notInVm?: Readonly<Record<string, string>>;
  } = {},
): Promise<void> {
  const missing = missingVmTools();
  if (missing.length) {
    t.test(`conformance suite in the ${kind} VM guest`, { skip: `missing ${missing.join(', ')}` }, async () => {});
    return;
  }
  const run = files.filter((f) => !ONLY || ONLY.some((w) => f.startsWith(w)));
  // A plan keeps the root test open across the awaits between its children.
  const notInVm = Object.entries(options.notInVm ?? {});
  t.plan(4 + run.length + notInVm.length + (options.vsock ? 1 : 0));
  for (const [file, why] of notInVm) t.test(`${file} in the ${kind} VM`, { skip: why }, async () => {});
  const kernel = prepareGuestKernel(cacheDir);
  const { vm, sockets, work, powerOff, dir, bundle } = await bootGuest(t, kind, kernel);
  const launcher: VmLauncher = {
    control: portSocket(dir, CONTROL_PORT),
    ports: CASE_PORTS.map((name) => ({ name, socket: portSocket(dir, name) })),
    commands: { 'qemu-ga': [QEMU_GA], ours: [process.execPath, bundle] },
    workDir: work,
    shell: kind === 'debian' ? '/bin/bash' : '/bin/sh',
  };
  const env = {
    ...process.env,
    QGA_VM_AGENTS: JSON.stringify({
      guest: kind,
      agents: {
        'qemu-ga': { socket: sockets['qemu-ga'], dir: join(work, 'qemu-ga') },
        ours: { socket: sockets.ours, dir: join(work, 'ours') },
      },
      launcher,
    }),
  };
  for (const file of run) {
    const fileStarted = Date.now();
    // Drain what an earlier file may have left in flight, so each file starts on a quiet port.
    for (const socket of Object.values(sockets)) await (await connectAndSync(socket, 60_000)).close();
    const grep = options.grep?.[file];
    const r = await t.spawn(
      process.execPath,
      [join(conformance, file)],
      { env: grep ? { ...env, TAP_GREP: grep.join('\n') } : env },
      `${file} in the ${kind} VM`,
    );
    if (r && !r.ok) console.error(vm.console().slice(-3000));
    t.comment(`${kind}: ${file} took ${((Date.now() - fileStarted) / 1000).toFixed(1)} s`);
  }
  if (options.vsock) {
    await t.test(`${kind}: vsock end to end inside the guest (ours on vsock-listen, a client over CID 1)`, async (t) => {
      const via = await connectAndSync(sockets['qemu-ga'], 60_000);
      await checkVsockInGuest(t, via, () => vm.console());
      await via.close();
    });
  }
  await powerOff();
  t.pass(`${kind}: the guest is powered off and its files are removed`);
}
