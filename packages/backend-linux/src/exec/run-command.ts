import { spawn } from 'node:child_process';
import { QgaError } from '@qga/core';
import { strerror } from './strerror.js';
import { findProgram, FALLBACK_PATH } from './find-program.js';
import { socketPair } from './socket-pair.js';

/** Options shared by every helper program the backend runs (hwclock, chpasswd, shutdown, ...). */
export interface HelperEnv {
  /** PATH used to find helpers named without a `/` (also given to the helper). */
  readonly searchPath: string;
  /** Kill a helper (its whole process group) after this long; 0 = never (freeze/thaw/trim must not be cut short). */
  readonly timeoutMs: number;
}

export const DEFAULT_HELPER_ENV: HelperEnv = {
  searchPath: defaultSearchPath(),
  timeoutMs: 30_000,
};

/** The agent's PATH plus the usual sbin directories (agents started by a bare init may lack them). */
export function defaultSearchPath(): string {
  const own = (process.env['PATH'] ?? '').split(':').filter((d) => d !== '');
  for (const d of FALLBACK_PATH.split(':')) if (!own.includes(d)) own.push(d);
  return own.join(':');
}

export interface CommandResult {
  /** Exit status, or null when killed by a signal or timed out. */
  readonly exitCode: number | null;
  /** Signal name when the helper was killed (including by our timeout). */
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr interleaved, exactly as written. */
  readonly output: string;
  readonly timedOut: boolean;
  /** errno name when the program could not be executed at all (output then reads `failed to exec ...`). */
  readonly execError?: string;
}

export interface RunOptions {
  readonly input?: string | Buffer;
  readonly env: HelperEnv;
  /** How long to wait for EOF on the output after the helper exited (a daemonized grandchild may hold it). */
  readonly drainMs?: number;
}

/**
 * Run a helper the way qemu-ga's ga_run_command does — new session, stdin from
 * the input or /dev/null, stdout and stderr on one pipe, C locale — but never
 * without a bound: after `timeoutMs` the process group is SIGKILLed. A helper
 * that cannot be executed behaves like upstream's forked child: the output is
 * `failed to exec '<argv0>': <strerror>` and the exit status 1.
 */
export async function runCommand(argv: readonly [string, ...string[]], opts: RunOptions): Promise<CommandResult> {
  const [program, ...args] = argv;
  let file: string;
  try {
    file = await findProgram(program, opts.env.searchPath);
  } catch (e) {
    return execFailure(program, e);
  }
  const pair = await socketPair();
  const child = spawn(file, args, {
    argv0: program,
    detached: true, // setsid(), like upstream; also lets us kill the whole group
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', pair.childEnd, pair.childEnd],
    env: { ...process.env, PATH: opts.env.searchPath, LC_ALL: 'C' },
  });
  pair.childEnd.destroy();
  child.stdin?.on('error', () => {});
  pair.parentEnd.on('error', () => {});

  const chunks: Buffer[] = [];
  pair.parentEnd.on('data', (c: Buffer) => chunks.push(c));
  pair.parentEnd.resume();
  const eof = new Promise<void>((resolve) => {
    pair.parentEnd.once('end', resolve);
    pair.parentEnd.once('close', resolve);
  });

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const spawned = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    child.once('spawn', () => resolve(null));
    child.once('error', (e) => resolve(e));
  });
  if (spawned !== null) {
    pair.parentEnd.destroy();
    return execFailure(program, spawned);
  }
  if (opts.input !== undefined) child.stdin?.end(opts.input);

  let timedOut = false;
  const limit = opts.env.timeoutMs;
  const timer =
    limit > 0 && Number.isFinite(limit)
      ? setTimeout(() => {
          timedOut = true;
          killGroup(child.pid);
        }, limit)
      : undefined;
  const status = await exited;
  clearTimeout(timer);
  // Output may still be in flight; wait for EOF, but not forever.
  await Promise.race([eof, delay(timedOut ? 0 : (opts.drainMs ?? 500))]);
  pair.parentEnd.destroy();
  return {
    exitCode: status.code,
    signal: status.signal,
    output: Buffer.concat(chunks).toString('utf8'),
    timedOut,
  };
}

/**
 * Run a helper and turn a failure into qemu-ga's messages:
 * `child process has failed to <action>: <output>` (or `: exit status N`
 * without output), `child process has terminated abnormally[: <output>]`.
 * A timeout reads `child process has failed to <action>: timed out after N ms`.
 */
export async function runChecked(argv: readonly [string, ...string[]], action: string, opts: RunOptions): Promise<CommandResult> {
  const r = await runCommand(argv, opts);
  const failure = describeFailure(r, action, opts.env.timeoutMs);
  if (failure !== undefined) throw new QgaError(failure);
  return r;
}

export function describeFailure(r: CommandResult, action: string, timeoutMs: number): string | undefined {
  if (r.timedOut) {
    return `child process has failed to ${action}: timed out after ${timeoutMs} ms` + (r.output !== '' ? `: ${r.output}` : '');
  }
  if (r.exitCode === null) {
    return r.output !== '' ? `child process has terminated abnormally: ${r.output}` : 'child process has terminated abnormally';
  }
  if (r.exitCode !== 0) {
    return r.output !== ''
      ? `child process has failed to ${action}: ${r.output}`
      : `child process has failed to ${action}: exit status ${r.exitCode}`;
  }
  return undefined;
}

function execFailure(program: string, e: unknown): CommandResult {
  const code = (e as NodeJS.ErrnoException).code ?? 'ENOENT';
  return { exitCode: 1, signal: null, output: `failed to exec '${program}': ${strerror(code)}\n`, timedOut: false, execError: code };
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
