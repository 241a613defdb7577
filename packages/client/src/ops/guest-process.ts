import type { JsonObject } from '../json/json-value.js';
import { QgaClientError } from '../errors/qga-client-error.js';
import type { CommandRunner } from './command-runner.js';

/** What `__org.qga_exec-start` takes (see @qga/plugin-exec's README). */
export interface GuestProcessOptions {
  /** Program; with `pty` and no path, the agent user's login shell. */
  readonly path?: string;
  readonly args?: readonly string[];
  /** Whole environment (`K=V`); the agent's own when omitted. */
  readonly env?: readonly string[];
  readonly cwd?: string;
  /** Run on a pseudo-terminal of this size. */
  readonly pty?: { rows: number; cols: number; term?: string };
  /** Pipes only: stderr into the stdout stream. */
  readonly mergeOutput?: boolean;
  /** The agent kills the process group after this long. */
  readonly timeoutMs?: number;
  /** The agent drops the record when nobody polls for this long. */
  readonly expireMs?: number;
}

/** How a guest process ended, or that waiting for it timed out. */
export interface GuestProcessExit {
  readonly exitcode?: number;
  readonly signal?: number;
  readonly timedOut: boolean;
}

/** How GuestProcess polls the agent for output. */
export interface PumpOptions {
  /** Longest time one read waits on the agent for output (long poll). */
  readonly waitMs?: number;
  /** Largest bytes per stream per read. */
  readonly maxBytes?: number;
  /** Per-reply deadline on top of waitMs. */
  readonly replyTimeoutMs?: number;
}

interface ReadReply {
  'out-offset': number;
  'out-data': string;
  'out-eof': boolean;
  'err-offset': number;
  'err-data': string;
  'err-eof': boolean;
  exited: boolean;
  exitcode?: number;
  signal?: number;
  'timed-out'?: boolean;
}

/** True when the agent has no such command (the plugin is not loaded, or the command is disabled). */
export function isMissingCommand(err: unknown): boolean {
  return err instanceof QgaClientError && err.errorClass === 'CommandNotFound';
}

/**
 * A program running in the guest through @qga/plugin-exec: output read by
 * offset (nothing lost when a reply is), stdin written as it comes, signals
 * to its process group, terminal resizes.
 */
export class GuestProcess {
  private outOffset = 0;
  private errOffset = 0;

  private constructor(
    private readonly runner: CommandRunner,
    readonly id: number,
    readonly pid: number,
  ) {}

  /** Starts the program; rejects with CommandNotFound (see isMissingCommand) when the plugin is absent. */
  static async start(runner: CommandRunner, options: GuestProcessOptions): Promise<GuestProcess> {
    const args: JsonObject = {};
    if (options.path !== undefined) args['path'] = options.path;
    if (options.args !== undefined) args['arg'] = [...options.args];
    if (options.env !== undefined) args['env'] = [...options.env];
    if (options.cwd !== undefined) args['cwd'] = options.cwd;
    if (options.pty !== undefined) {
      args['pty'] = true;
      args['rows'] = options.pty.rows;
      args['cols'] = options.pty.cols;
      if (options.pty.term !== undefined) args['term'] = options.pty.term;
    }
    if (options.mergeOutput) args['merge-output'] = true;
    if (options.timeoutMs !== undefined) args['timeout-ms'] = options.timeoutMs;
    if (options.expireMs !== undefined) args['expire-ms'] = options.expireMs;
    const r = await runner.execute<{ id: number; pid: number }>('__org.qga_exec-start', args);
    return new GuestProcess(runner, Number(r.id), Number(r.pid));
  }

  /** Send bytes to the process's stdin. */
  write(bytes: Uint8Array): Promise<unknown> {
    return this.runner.execute('__org.qga_exec-write', { id: this.id, data: Buffer.from(bytes).toString('base64') });
  }

  /** Close the process's stdin (it then reads end of file). */
  closeInput(): Promise<unknown> {
    return this.runner.execute('__org.qga_exec-write', { id: this.id, close: true });
  }

  /** Send a signal by name, e.g. `SIGTERM`. */
  signal(signal: string): Promise<unknown> {
    return this.runner.execute('__org.qga_exec-signal', { id: this.id, signal });
  }

  /** Change the terminal size of a process started with a pty. */
  resize(rows: number, cols: number): Promise<unknown> {
    return this.runner.execute('__org.qga_exec-resize', { id: this.id, rows, cols });
  }

  /** Tell the agent to forget the process (its output and status are dropped). */
  release(): Promise<unknown> {
    return this.runner.execute('__org.qga_exec-release', { id: this.id });
  }

  /**
   * Reads output until the program has exited and both streams are complete,
   * handing each piece to `onStdout` / `onStderr` as it arrives.
   */
  async pump(
    onStdout: (b: Buffer) => void | Promise<void>,
    onStderr: (b: Buffer) => void | Promise<void>,
    options: PumpOptions = {},
  ): Promise<GuestProcessExit> {
    const waitMs = options.waitMs ?? 500;
    for (;;) {
      const r = await this.runner.execute<ReadReply>(
        '__org.qga_exec-read',
        {
          id: this.id,
          'out-offset': this.outOffset,
          'err-offset': this.errOffset,
          'wait-ms': waitMs,
          ...(options.maxBytes !== undefined ? { 'max-bytes': options.maxBytes } : {}),
        },
        { timeoutMs: (options.replyTimeoutMs ?? 10_000) + waitMs },
      );
      const out = Buffer.from(r['out-data'], 'base64');
      const err = Buffer.from(r['err-data'], 'base64');
      this.outOffset += out.length;
      this.errOffset += err.length;
      if (out.length > 0) await onStdout(out);
      if (err.length > 0) await onStderr(err);
      if (r.exited && r['out-eof'] && r['err-eof']) {
        return {
          ...(r.exitcode !== undefined ? { exitcode: Number(r.exitcode) } : {}),
          ...(r.signal !== undefined ? { signal: Number(r.signal) } : {}),
          timedOut: r['timed-out'] === true,
        };
      }
    }
  }
}
