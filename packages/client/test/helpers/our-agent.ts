import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Our `qga` as users start it (the committed bin entry: the bundle when built). */
export const QGA_BIN = fileURLToPath(new URL('../../../../agent/bin/qga.mjs', import.meta.url));
/** The CLI under test, as users start it. */
export const CLIENT_MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface OurAgent {
  readonly dir: string;
  readonly socketPath: string;
  readonly process: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts the built `qga` (mock backend: the plugins run real programs and
 * touch real files regardless) on a unix socket in a fresh temp dir, with
 * the given extra arguments (e.g. --plugin=@qga/plugin-exec). stop() kills
 * it and removes the dir.
 */
export async function startOurAgent(extra: readonly string[] = [], options: { dir?: string } = {}): Promise<OurAgent> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'qga-plug-'));
  const socketPath = join(dir, 'sock');
  const env: NodeJS.ProcessEnv = { ...process.env, QGA_CONF: '/nonexistent/qga-test.conf' };
  delete env['NODE_OPTIONS'];
  const child = spawn(process.execPath, [QGA_BIN, '--backend', 'mock', '-m', 'unix-listen', '-p', socketPath, '-t', dir, ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env,
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 15_000;
  while (!existsSync(socketPath)) {
    if (child.exitCode !== null) throw new Error(`qga exited: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`qga did not create ${socketPath}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    dir,
    socketPath,
    process: child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True while a process with this pid exists (and is not a zombie). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls `check` until true or `ms` passed; resolves with the last result. */
export async function eventually(check: () => boolean, ms = 10_000, every = 25): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, every));
  }
}
