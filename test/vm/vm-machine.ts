import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

export interface Vm {
  readonly qgaSocket: string;
  readonly process: ChildProcess;
  console(): string;
  /** Resolves with QEMU's exit code, or null on timeout. */
  waitExit(timeoutMs: number): Promise<number | null>;
  /** QMP quit, then SIGKILL if QEMU is still there. */
  destroy(): Promise<void>;
}

/** KVM only where the CPU really offers it; these machines expose /dev/kvm without vmx/svm. */
export function pickAccelerator(): 'kvm' | 'tcg' {
  try {
    const cpu = readFileSync('/proc/cpuinfo', 'utf8');
    if (existsSync('/dev/kvm') && /\b(vmx|svm)\b/.test(cpu)) return 'kvm';
  } catch {
    // fall through
  }
  return 'tcg';
}

export interface BootOptions {
  readonly dir: string;
  readonly kernel: string;
  readonly initrd: string;
  readonly memoryMb?: number;
  /** More virtserialports besides org.qemu.guest_agent.0, each on its own chardev socket (`portSocket(name)`). */
  readonly extraPorts?: readonly string[];
  /** Host directories shared over 9p (mount tag → host path, read-only or not). */
  readonly shares?: readonly { readonly tag: string; readonly hostPath: string; readonly readonly: boolean }[];
  /** Extra kernel command line. */
  readonly append?: string;
}

/** The chardev socket of an extra port. */
export function portSocket(dir: string, port: string): string {
  return join(dir, `${port}.sock`);
}

export function bootVm(options: BootOptions): Vm {
  const qgaSocket = join(options.dir, 'qga.sock');
  const qmpSocket = join(options.dir, 'qmp.sock');
  const consoleLog = join(options.dir, 'console.log');
  const accel = pickAccelerator();
  const args = [
    '-nodefaults',
    '-no-user-config',
    '-machine',
    'pc',
    '-accel',
    accel,
    '-cpu',
    accel === 'kvm' ? 'host' : 'max',
    '-m',
    `${options.memoryMb ?? 768}M`,
    '-smp',
    '1',
    '-display',
    'none',
    '-monitor',
    'none',
    '-no-reboot',
    '-kernel',
    options.kernel,
    '-initrd',
    options.initrd,
    '-append',
    `console=ttyS0 quiet panic=-1${options.append ? ` ${options.append}` : ''}`,
    '-serial',
    `file:${consoleLog}`,
    '-chardev',
    `socket,path=${qgaSocket},server=on,wait=off,id=qga0`,
    '-device',
    'virtio-serial-pci,id=vser0',
    '-device',
    'virtserialport,bus=vser0.0,chardev=qga0,name=org.qemu.guest_agent.0',
    '-qmp',
    `unix:${qmpSocket},server=on,wait=off`,
    ...(options.extraPorts ?? []).flatMap((port, i) => [
      '-chardev',
      `socket,path=${portSocket(options.dir, port)},server=on,wait=off,id=port${i + 1}`,
      '-device',
      `virtserialport,bus=vser0.0,chardev=port${i + 1},name=${port}`,
    ]),
    ...(options.shares ?? []).flatMap((s) => [
      // multidevs=remap: a share spanning several host filesystems (the host's root) keeps inode numbers unique.
      '-virtfs',
      `local,path=${s.hostPath},mount_tag=${s.tag},security_model=none,multidevs=remap${s.readonly ? ',readonly=on' : ''}`,
    ]),
  ];
  const proc = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve((exitCode = code))));

  const waitExit = (timeoutMs: number): Promise<number | null> =>
    Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), timeoutMs).unref())]);

  return {
    qgaSocket,
    process: proc,
    console: () => (existsSync(consoleLog) ? readFileSync(consoleLog, 'utf8') : '') + (stderr ? `\n[qemu stderr] ${stderr}` : ''),
    waitExit,
    async destroy() {
      if (exitCode !== undefined) return;
      await new Promise<void>((resolve) => {
        const s = connect(qmpSocket);
        s.on('error', () => resolve());
        s.on('connect', () => s.write('{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n'));
        s.on('close', () => resolve());
        setTimeout(() => (s.destroy(), resolve()), 2000).unref();
      });
      if ((await waitExit(5000)) === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}
