import { spawn } from 'node:child_process';

export interface CapturedRun {
  /** Exit code, or -1 when the program could not be started. */
  readonly exitCode: number;
  /** stdout and stderr together, decoded as latin1 (only searched for ASCII). */
  readonly output: string;
  /** Why it could not be started. */
  readonly error?: string;
}

/** Run a helper program to its end (w32tm, defrag), bounded by `timeoutMs`. */
export function runCaptured(program: string, args: readonly string[], timeoutMs = 60_000): Promise<CapturedRun> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const child = spawn(program, [...args], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, timeout: timeoutMs });
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (e) => resolve({ exitCode: -1, output: '', error: e.message }));
    child.on('close', (code) => resolve({ exitCode: code ?? -1, output: Buffer.concat(chunks).toString('latin1') }));
  });
}
