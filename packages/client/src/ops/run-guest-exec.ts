import type { JsonObject } from '../json/json-value.js';
import type { GuestExec, GuestExecCapture, GuestExecStatus } from '../types/guest-types.js';
import { QgaTimeoutError } from '../errors/qga-timeout-error.js';
import type { CommandRunner } from './command-runner.js';
import { sleep } from './sleep.js';

/** How runGuestExec starts the program and how long it waits. */
export interface ExecOptions {
  /** Bytes (or UTF-8 text) fed to the program's stdin; stdin is /dev/null otherwise. */
  readonly input?: Uint8Array | string;
  /** Replaces the whole environment (qemu-ga semantics): `{K: V}` or `['K=V', …]`. */
  readonly env?: Readonly<Record<string, string>> | readonly string[];
  /** Capture stdout/stderr (default true). A mode string needs an agent from QEMU 8.0 on. */
  readonly capture?: GuestExecCapture;
  /** Give up waiting for the program after so long (it keeps running in the guest). Default: wait as long as it runs. */
  readonly waitTimeoutMs?: number;
  /** Longest pause between two guest-exec-status polls (polling starts fast and backs off). */
  readonly maxPollIntervalMs?: number;
}

/** What runGuestExec saw: pid, exit status and the captured output. */
export interface ExecResult {
  readonly pid: number;
  /** Exit status when the program exited normally. */
  readonly exitcode?: number;
  /** Signal number when the program was killed by a signal. */
  readonly signal?: number;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  readonly stdoutTruncated: boolean;
  readonly stderrTruncated: boolean;
}

/** Runs a program with guest-exec and polls guest-exec-status until it has exited. */
export async function runGuestExec(
  runner: CommandRunner,
  path: string,
  args: readonly string[],
  options: ExecOptions,
  /** Used when options.waitTimeoutMs is not set (default: no limit). */
  defaultWaitMs = Infinity,
): Promise<ExecResult> {
  const request: JsonObject = { path, arg: [...args], 'capture-output': options.capture ?? true };
  if (options.env !== undefined) {
    request['env'] = Array.isArray(options.env)
      ? [...(options.env as readonly string[])]
      : Object.entries(options.env as Record<string, string>).map(([k, v]) => `${k}=${v}`);
  }
  if (options.input !== undefined) request['input-data'] = Buffer.from(options.input).toString('base64');
  const { pid } = await runner.execute<GuestExec>('guest-exec', request);
  // Each poll has its own reply timeout; the program itself may take as long as it takes.
  const waitMs = options.waitTimeoutMs ?? defaultWaitMs;
  const deadline = Date.now() + waitMs;
  const maxPoll = options.maxPollIntervalMs ?? 100;
  let delay = 1;
  for (;;) {
    const status = await runner.execute<GuestExecStatus>('guest-exec-status', { pid });
    if (status.exited) return toResult(pid, status);
    if (Date.now() + delay > deadline) throw new QgaTimeoutError(`guest-exec (pid ${pid}) waiting for exit`, waitMs);
    await sleep(delay);
    delay = Math.min(delay * 2, maxPoll);
  }
}

function toResult(pid: number, status: GuestExecStatus): ExecResult {
  return {
    pid,
    ...(status.exitcode !== undefined ? { exitcode: status.exitcode } : {}),
    ...(status.signal !== undefined ? { signal: status.signal } : {}),
    stdout: Buffer.from(status['out-data'] ?? '', 'base64'),
    stderr: Buffer.from(status['err-data'] ?? '', 'base64'),
    stdoutTruncated: status['out-truncated'] ?? false,
    stderrTruncated: status['err-truncated'] ?? false,
  };
}
