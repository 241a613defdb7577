import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { QgaError } from '@qga/core';
import { helperFailureMessage, strerror } from '@qga/core/internal';
import { TIMED_OUT, withTimeout } from '../proc/with-timeout.js';
import { findProgram, FALLBACK_PATH } from './find-program.js';
import { socketPair } from './socket-pair.js';
import { passOnlyStdio } from './pass-only-stdio.js';

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
  /** stdout and stderr interleaved, exactly as written (stdout alone with `separateStderr`). */
  readonly output: string;
  readonly timedOut: boolean;
  /** errno name when the program could not be executed at all (output then reads `failed to exec ...`). */
  readonly execError?: string;
}

/** With `separateStderr`: both streams as raw bytes (`output` is stdout's text; `failed to exec ...` goes to stderr). */
export interface SeparatedResult extends CommandResult {
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

export interface RunOptions {
  readonly input?: string | Buffer;
  readonly env: HelperEnv;
  /** Variables added to the helper's environment (PATH and LC_ALL stay ours). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Keep stderr apart, for helpers whose stdout is parsed (nvme's binary SMART page). */
  readonly separateStderr?: boolean;
  /** How long to wait for EOF on the output after the helper exited (a daemonized grandchild may hold it). */
  readonly drainMs?: number;
}

/** Output beyond this (both streams together) gets the helper's group killed: a runaway helper cannot fill our memory. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** After SIGKILL the exit follows at once, unless the helper is stuck in the kernel (D state): we do not wait for that. */
const KILL_GRACE_MS = 1_000;

type ExitState = { readonly code: number | null; readonly signal: NodeJS.Signals | null };

/**
 * Run a helper the way qemu-ga's ga_run_command does — new session, stdin from
 * the input or /dev/null, stdout and stderr on one pipe, C locale — but never
 * without a bound: after `timeoutMs` (or past MAX_OUTPUT_BYTES) the process
 * group is SIGKILLed. A helper that cannot be executed behaves like upstream's
 * forked child: the output is `failed to exec '<argv0>': <strerror>` and the
 * exit status 1.
 */
export function runCommand(
  argv: readonly [string, ...string[]],
  opts: RunOptions & { readonly separateStderr: true },
): Promise<SeparatedResult>;
export function runCommand(argv: readonly [string, ...string[]], opts: RunOptions): Promise<CommandResult>;
export async function runCommand(argv: readonly [string, ...string[]], opts: RunOptions): Promise<CommandResult | SeparatedResult> {
  const [program, ...args] = argv;
  const separate = opts.separateStderr === true;
  let file: string;
  try {
    file = await findProgram(program, opts.env.searchPath);
  } catch (e) {
    return execFailure(program, e, separate);
  }
  // stdout and stderr share one socket, so their interleaving survives (upstream's one pipe; Node has no pipe(2)).
  const pair = separate ? undefined : await socketPair();
  passOnlyStdio();
  const child = spawn(file, args, {
    argv0: program,
    detached: true, // setsid(), like upstream; also lets us kill the whole group
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', pair?.childEnd ?? 'pipe', pair?.childEnd ?? 'pipe'],
    env: { ...process.env, ...opts.extraEnv, PATH: opts.env.searchPath, LC_ALL: 'C' },
  });
  pair?.childEnd.destroy();
  child.stdin?.on('error', () => {});

  let timedOut = false;
  let kill = (): void => {};
  const killed = new Promise<void>((resolve) => {
    kill = () => {
      killGroup(child.pid);
      resolve();
    };
  });

  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let size = 0;
  const collect = (into: Buffer[]) => (chunk: Buffer) => {
    if (size > MAX_OUTPUT_BYTES) return;
    size += chunk.length;
    if (size > MAX_OUTPUT_BYTES) kill();
    else into.push(chunk);
  };
  // (A child that failed to spawn may have no stdout/stderr objects at all.)
  const streams: [Readable | null, Buffer[]][] =
    pair !== undefined
      ? [[pair.parentEnd, out]]
      : [
          [child.stdout, out],
          [child.stderr, err],
        ];
  const readers = streams.filter((r): r is [Readable, Buffer[]] => r[0] !== null);
  const eof = Promise.all(
    readers.map(([stream, into]) => {
      stream.on('error', () => {});
      stream.on('data', collect(into));
      stream.resume();
      return new Promise<void>((resolve) => {
        stream.once('end', resolve);
        stream.once('close', resolve);
      });
    }),
  );
  const closeReaders = (): void => readers.forEach(([stream]) => stream.destroy());

  const exited = new Promise<ExitState>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const spawned = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    child.once('spawn', () => resolve(null));
    child.once('error', (e) => resolve(e));
  });
  if (spawned !== null) {
    closeReaders();
    return execFailure(program, spawned, separate);
  }
  if (opts.input !== undefined) child.stdin?.end(opts.input);

  const limit = opts.env.timeoutMs;
  const timer =
    limit > 0 && Number.isFinite(limit)
      ? setTimeout(() => {
          timedOut = true;
          kill();
        }, limit)
      : undefined;
  const ended = await Promise.race([exited, killed.then(() => withTimeout(exited, KILL_GRACE_MS))]);
  clearTimeout(timer);
  const status: ExitState = ended === TIMED_OUT ? { code: null, signal: 'SIGKILL' } : ended;
  // Output may still be in flight; wait for EOF, but not forever.
  await withTimeout(eof, timedOut || size > MAX_OUTPUT_BYTES ? 0 : (opts.drainMs ?? 500));
  closeReaders();
  const result: CommandResult = {
    exitCode: status.code,
    signal: status.signal,
    output: Buffer.concat(out).toString('utf8'),
    timedOut,
  };
  return separate ? { ...result, stdout: Buffer.concat(out), stderr: Buffer.concat(err) } : result;
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
  return helperFailureMessage(action, r.exitCode, r.output);
}

function execFailure(program: string, e: unknown, separate: boolean): CommandResult | SeparatedResult {
  const code = (e as NodeJS.ErrnoException).code ?? 'ENOENT';
  const message = `failed to exec '${program}': ${strerror(code)}\n`;
  const result: CommandResult = { exitCode: 1, signal: null, output: separate ? '' : message, timedOut: false, execError: code };
  return separate ? { ...result, stdout: Buffer.alloc(0), stderr: Buffer.from(message) } : result;
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
