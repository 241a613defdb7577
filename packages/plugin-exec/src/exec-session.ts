import { QgaError } from '@qga/core';
import type { ChildHandle, StartRequest } from './child-process.js';
import { OutputBuffer } from './output-buffer.js';
import type { ResolvedExecOptions } from './exec-options.js';
import { spawnPiped } from './spawn-piped.js';
import { spawnPty } from './spawn-pty.js';

export interface ExitStatus {
  exitcode?: number;
  signal?: number;
}

/** What one read returns (wire names are added by the command). */
export interface ReadResult {
  readonly out: { offset: number; data: Buffer; eof: boolean };
  readonly err: { offset: number; data: Buffer; eof: boolean };
  /** Set once the program has exited and its output is complete. */
  readonly status: ExitStatus | undefined;
  readonly timedOut: boolean;
}

/**
 * One started program: its two output streams (addressed by offset), its
 * stdin, its timeout and its idle expiry. Signals go to the whole process
 * group, which the program leads (setsid), so its children go too.
 */
export class ExecSession {
  readonly out: OutputBuffer;
  readonly err: OutputBuffer;
  private child: ChildHandle | undefined;
  private exitStatus: ExitStatus | undefined;
  private timedOut = false;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private expireTimer: NodeJS.Timeout | undefined;
  private listeners: Array<() => void> = [];
  private pausedBy = new Set<string>();
  private disposed = false;

  private constructor(
    readonly id: number,
    readonly pty: boolean,
    private readonly expireMs: number,
    private readonly onExpire: (session: ExecSession) => void,
    highWater: number,
  ) {
    const hooks = (name: string) => ({
      full: () => {
        this.pausedBy.add(name);
        this.child?.pauseOutput();
      },
      drained: () => {
        this.pausedBy.delete(name);
        if (this.pausedBy.size === 0) this.child?.resumeOutput();
      },
      changed: () => this.notify(),
    });
    this.out = new OutputBuffer('out', highWater, hooks('out'));
    this.err = new OutputBuffer('err', highWater, hooks('err'));
  }

  static async start(
    id: number,
    request: StartRequest,
    limits: { timeoutMs: number | undefined; expireMs: number },
    options: ResolvedExecOptions,
    onExpire: (session: ExecSession) => void,
  ): Promise<ExecSession> {
    const session = new ExecSession(id, request.pty !== undefined, limits.expireMs, onExpire, options.highWaterBytes);
    const events = {
      stdout: (b: Buffer) => session.out.append(b),
      stderr: (b: Buffer) => session.err.append(b),
      outputEnded: (stream: 'out' | 'err') => (stream === 'out' ? session.out : session.err).close(),
      exit: (status: ExitStatus) => {
        session.exitStatus = status;
        clearTimeout(session.timeoutTimer);
        session.notify();
      },
    };
    session.child = request.pty ? await spawnPty(request, events) : await spawnPiped(request, events, options.pipeGraceMs);
    if (session.pausedBy.size > 0) session.child.pauseOutput();
    if (limits.timeoutMs !== undefined) {
      session.timeoutTimer = setTimeout(() => {
        if (session.exitStatus !== undefined) return;
        session.timedOut = true;
        session.killGroup('SIGKILL');
      }, limits.timeoutMs);
      session.timeoutTimer.unref();
    }
    session.touch();
    return session;
  }

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  get running(): boolean {
    return this.exitStatus === undefined;
  }

  /** Someone used the record: it lives another expireMs. */
  touch(): void {
    if (this.disposed) return;
    clearTimeout(this.expireTimer);
    this.expireTimer = setTimeout(() => this.onExpire(this), this.expireMs);
    this.expireTimer.unref();
  }

  /**
   * Output from the given offsets; with `waitMs`, waits that long for
   * something new (bytes, EOF) when there is nothing yet.
   */
  async read(outOffset: number | undefined, errOffset: number | undefined, maxBytes: number, waitMs: number): Promise<ReadResult> {
    const outAt = outOffset ?? this.oldest(this.out);
    const errAt = errOffset ?? this.oldest(this.err);
    // Validate before waiting, so a bad offset fails at once.
    this.out.read(outAt, 0);
    this.err.read(errAt, 0);
    if (waitMs > 0 && !this.out.hasNews(outAt) && !this.err.hasNews(errAt)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.listeners = this.listeners.filter((l) => l !== wake);
          resolve();
        };
        const wake = (): void => {
          if (this.out.hasNews(outAt) || this.err.hasNews(errAt) || this.disposed) done();
        };
        const timer = setTimeout(done, waitMs);
        this.listeners.push(wake);
      });
    }
    this.touch();
    const out = this.out.read(outAt, maxBytes);
    const err = this.err.read(errAt, maxBytes);
    const complete = this.exitStatus !== undefined && this.out.isEnded && this.err.isEnded;
    return { out, err, status: complete ? this.exitStatus : undefined, timedOut: this.timedOut };
  }

  async write(bytes: Buffer, close: boolean): Promise<void> {
    const child = this.live();
    this.touch();
    if (bytes.length > 0) await child.write(bytes);
    if (close) child.closeInput();
  }

  resize(rows: number, cols: number): void {
    const child = this.live();
    this.touch();
    if (!child.resize(rows, cols)) throw new QgaError(`exec ${this.id} has no terminal to resize (started without pty)`);
  }

  /** Sends `signal` to the program's process group (false when it has already exited). */
  killGroup(signal: NodeJS.Signals | number): boolean {
    if (this.exitStatus !== undefined || this.child === undefined) return false;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // The group leader is gone but the exit event has not arrived yet: try the pid itself.
      try {
        process.kill(this.child.pid, signal);
      } catch {
        return false;
      }
    }
    return true;
  }

  /** Frees the record; a program still running is killed with its group. */
  dispose(): void {
    if (this.disposed) return;
    this.killGroup('SIGKILL');
    this.disposed = true;
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.expireTimer);
    this.out.dispose();
    this.err.dispose();
    this.child?.resumeOutput(); // let the pipes drain into nothing so the child can exit
    this.notify();
  }

  private oldest(buffer: OutputBuffer): number {
    return buffer.read(undefined, 0).offset;
  }

  private live(): ChildHandle {
    if (this.child === undefined || this.exitStatus !== undefined) throw new QgaError(`exec ${this.id} has already exited`);
    return this.child;
  }

  private notify(): void {
    for (const listener of this.listeners.slice()) listener();
  }
}
