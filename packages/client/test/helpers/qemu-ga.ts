import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RealAgent {
  readonly dir: string;
  readonly socketPath: string;
  readonly address: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export const QEMU_GA = '/usr/sbin/qemu-ga';

/** True when Debian's qemu-ga (the reference agent) is installed. */
export function haveQemuGa(): boolean {
  return existsSync(QEMU_GA);
}

/**
 * Starts the real qemu-ga on a unix-listen socket in a fresh temp dir (its
 * state dir too), removed again by stop(). A given `dir` is left in place.
 */
export async function startQemuGa(options: { dir?: string; socketPath?: string; waitForSocket?: boolean } = {}): Promise<RealAgent> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'qga-real-'));
  const socketPath = options.socketPath ?? join(dir, 'sock');
  const child = spawn(QEMU_GA, ['-m', 'unix-listen', '-p', socketPath, '-t', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };
  if (options.waitForSocket !== false) {
    const deadline = Date.now() + 5000;
    while (!existsSync(socketPath)) {
      if (child.exitCode !== null) throw new Error(`qemu-ga exited: ${stderr}`);
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`qemu-ga did not create ${socketPath}: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  return { dir, socketPath, address: `unix:${socketPath}`, process: child, stop };
}
