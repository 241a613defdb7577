import { constants } from 'node:os';
import { RawClient, sleep } from './raw-client.js';
import { execute, syncDelimited } from './session.js';

/** What guest-exec-status reports (qemu-ga's names). */
export interface GuestExecStatus {
  readonly exited: boolean;
  readonly exitcode?: number;
  readonly signal?: number;
  readonly 'out-data'?: string;
  readonly 'err-data'?: string;
}

export interface GuestRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/** A signal number as Node names it (guest-exec-status reports numbers). */
export function signalName(n: number | undefined): NodeJS.Signals | null {
  if (n === undefined) return null;
  const hit = Object.entries(constants.signals).find(([, v]) => v === n);
  return (hit?.[0] as NodeJS.Signals | undefined) ?? null;
}

/**
 * Runs programs in a VM guest through a control agent (qemu-ga on a port
 * of its own) with guest-exec: how the VM runs of the conformance suite
 * start per-case agents, run `-D`/`-b help`, and look at the guest's files.
 * One connection, one request at a time (calls are queued).
 */
export class GuestControl {
  private client: RawClient | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly socket: string) {}

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async connection(): Promise<RawClient> {
    if (!this.client) {
      const c = await RawClient.connect(this.socket, { retries: 100, delayMs: 100 });
      // What an earlier process may have left in flight is skipped by the handshake.
      await syncDelimited(c, 30_000);
      // Kept for the whole case file; it must not keep the file's process alive once the cases are done.
      c.unref();
      this.client = c;
    }
    return this.client;
  }

  /** guest-exec with captured output; resolves with the guest pid. */
  spawn(argv: readonly string[]): Promise<number> {
    return this.serial(async () => {
      const r = await execute(await this.connection(), 'guest-exec', { path: argv[0], arg: argv.slice(1), 'capture-output': true }, 30_000);
      return r.pid as number;
    });
  }

  status(pid: number): Promise<GuestExecStatus> {
    return this.serial(async () => (await execute(await this.connection(), 'guest-exec-status', { pid }, 30_000)) as GuestExecStatus);
  }

  /** Polls until `pid` exits or `ms` pass; undefined if still running. */
  async waitExit(pid: number, ms: number): Promise<GuestExecStatus | undefined> {
    const end = Date.now() + ms;
    for (;;) {
      const s = await this.status(pid);
      if (s.exited) return s;
      if (Date.now() >= end) return undefined;
      await sleep(100);
    }
  }

  /** Runs argv to completion (SIGKILL after `timeoutMs`). */
  async run(argv: readonly string[], timeoutMs = 60_000): Promise<GuestRun> {
    const pid = await this.spawn(argv);
    let s = await this.waitExit(pid, timeoutMs);
    if (!s) {
      await this.kill(pid, 'KILL');
      s = (await this.waitExit(pid, 10_000)) ?? { exited: false };
    }
    return toRun(s);
  }

  /** Sends a signal to a guest process (kill(1) in the guest). */
  async kill(pid: number, signal: string): Promise<void> {
    const s = await this.waitExit(await this.spawn(['/bin/sh', '-c', `kill -${signal} ${pid}`]), 30_000);
    if (!s || s.exitcode !== 0) throw new Error(`kill -${signal} ${pid} in the guest failed: ${JSON.stringify(s)}`);
  }
}

export function toRun(s: GuestExecStatus): GuestRun {
  return {
    code: s.exited ? (s.exitcode ?? null) : null,
    signal: signalName(s.signal),
    stdout: Buffer.from(s['out-data'] ?? '', 'base64'),
    stderr: Buffer.from(s['err-data'] ?? '', 'base64'),
  };
}

const controls = new Map<string, GuestControl>();

/** One control connection per socket and process. */
export function guestControl(socket: string): GuestControl {
  let c = controls.get(socket);
  if (!c) controls.set(socket, (c = new GuestControl(socket)));
  return c;
}
