/**
 * Boots a real QEMU guest (TCG) whose agent listens on virtio-serial, for the
 * transfer figures over the VM's port. It reuses the VM test's helpers as
 * built by `npm run build` (test/dist/vm), loaded at run time so the bench
 * bundle stays independent of the test tree.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

type GuestFiles = Record<string, string>;
interface VmHelpers {
  prepareGuestKernel(cacheDir: string): { vmlinux: string; modules: readonly string[] };
  binaryWithLibraries(binary: string): GuestFiles;
  buildInitramfs(options: { agentCommand: string; files: GuestFiles; modules: readonly string[] }): Buffer;
  bootVm(options: { dir: string; kernel: string; initrd: string; memoryMb?: number }): {
    qgaSocket: string;
    destroy(): Promise<void>;
  };
}

export interface GuestVm {
  readonly socketPath: string;
  stop(): Promise<void>;
}

const PORT = '/dev/virtio-ports/org.qemu.guest_agent.0';

export async function bootGuest(repo: string, agent: 'qemu-ga' | 'ours', extraArgs: readonly string[] = []): Promise<GuestVm> {
  const load = async (name: string): Promise<Record<string, unknown>> => import(pathToFileURL(join(repo, 'test/dist/vm', name)).href);
  const h = {
    ...(await load('vm-kernel.js')),
    ...(await load('vm-initramfs.js')),
    ...(await load('vm-machine.js')),
  } as unknown as VmHelpers;
  const kernel = h.prepareGuestKernel(join(repo, '.cache', 'vm'));
  const dir = mkdtempSync(join(tmpdir(), 'qga-benchvm-'));
  const bundle = join(repo, 'packages/agent/dist/qga.mjs');
  const files =
    agent === 'qemu-ga'
      ? h.binaryWithLibraries('/usr/sbin/qemu-ga')
      : { ...h.binaryWithLibraries(process.execPath), '/qga/qga.mjs': bundle };
  const command =
    agent === 'qemu-ga'
      ? `/usr/sbin/qemu-ga -m virtio-serial -p ${PORT} -t /run/qga`
      : `${process.execPath} /qga/qga.mjs -m virtio-serial -p ${PORT} --backend linux -t /run/qga ${extraArgs.join(' ')}`;
  const initrd = join(dir, 'initrd.cpio');
  writeFileSync(initrd, h.buildInitramfs({ agentCommand: command, files, modules: kernel.modules }));
  const vm = h.bootVm({ dir, kernel: kernel.vmlinux, initrd, memoryMb: 1024 });
  return {
    socketPath: vm.qgaSocket,
    stop: async () => {
      await vm.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
