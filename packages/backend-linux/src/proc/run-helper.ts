import { spawn } from 'node:child_process';

export interface HelperResult {
  /** Exit status; null when killed (including by the timeout) or not started. */
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  readonly timedOut: boolean;
  /** Set when the program could not be started (e.g. ENOENT: not installed). */
  readonly spawnError?: NodeJS.ErrnoException;
}

const MAX_OUTPUT = 64 * 1024 * 1024;

/**
 * Run a read-only helper (ip, loginctl, nvme, getconf) with a hard time
 * bound, C locale and raw byte output. The helper gets its own process group;
 * at the bound the whole group is SIGKILLed and we stop waiting for its
 * pipes (a grandchild holding stdout cannot stretch the wait). Never throws:
 * callers decide what a failure means (usually "use another source").
 */
export function runHelper(
  program: string,
  args: readonly string[],
  opts: { readonly timeoutMs: number; readonly env?: Readonly<Record<string, string | undefined>> },
): Promise<HelperResult> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: Omit<HelperResult, 'stdout' | 'stderr'>): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...r, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    };
    const child = spawn(program, [...args], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env, LC_ALL: 'C' },
    });
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      killGroup();
      child.stdout?.destroy();
      child.stderr?.destroy();
      finish({ code: null, timedOut: true });
    }, opts.timeoutMs);
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT) {
        killGroup();
        finish({ code: null, timedOut: false });
        return;
      }
      into.push(chunk);
    };
    child.stdout?.on('data', collect(out));
    child.stderr?.on('data', collect(err));
    child.once('error', (e: NodeJS.ErrnoException) => finish({ code: null, timedOut: false, spawnError: e }));
    child.once('close', (code) => finish({ code, timedOut: false }));
  });
}
