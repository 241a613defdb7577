import type { Observable } from 'rxjs';
import type { GuestExecCaptureOutputMode } from '../schema/guest-types.js';

/** What `guest-exec` asks the backend to start, already validated by core. */
export interface SpawnRequest {
  /** Program, looked up in PATH (the `env` PATH when `env` is given). */
  readonly path: string;
  /** Arguments after the program name. */
  readonly args: readonly string[];
  /** When given, replaces the whole environment (`NAME=value` entries). */
  readonly env?: readonly string[];
  /** Bytes for stdin; without it stdin is /dev/null. */
  readonly input?: Buffer;
  /** `merged` sends stderr into the stdout stream. */
  readonly capture: GuestExecCaptureOutputMode;
}

/** How a process ended: exactly one of `exitcode` and `signal` is set. */
export interface ExitStatus {
  /** Set on a normal exit. */
  readonly exitcode?: number;
  /** Set when the process was killed by a signal (signal number). */
  readonly signal?: number;
}

/** A running process started by ExecPort.spawn: its output streams and its end. */
export interface SpawnedProcess {
  readonly pid: number;
  /** Present when stdout is captured (also for `merged`); completes at EOF. */
  readonly stdout?: Observable<Uint8Array>;
  /** Present when stderr is captured separately; completes at EOF. */
  readonly stderr?: Observable<Uint8Array>;
  /** Resolves when the process has been reaped. */
  readonly exit: Promise<ExitStatus>;
  /** Send a signal (used for expiry and agent shutdown). */
  kill(signal?: NodeJS.Signals | number): void;
}

/** Starts the processes of `guest-exec` (core keeps the records, the output and the expiry). */
export interface ExecPort {
  /** Start a process. Rejects (with an errno `code`) when it cannot be started. */
  spawn(req: SpawnRequest): Promise<SpawnedProcess>;
}
