import { inject, injectable, optional } from 'inversify';
import type { Subscription } from 'rxjs';
import type { AgentConfig } from '../agent/agent-config.js';
import type { ExecPort, ExitStatus, SpawnRequest } from '../ports/exec-port.js';
import type { Logger } from '../ports/logger-port.js';
import { Base64Bytes } from '../protocol/base64-bytes.js';
import { QgaError, isQgaError } from '../protocol/qga-error.js';
import type { GuestExecStatus } from '../schema/guest-types.js';
import { TOKENS } from '../tokens.js';
import { errorText } from '../util/strerror.js';

/** Per-stream capture limit (GUEST_EXEC_MAX_OUTPUT). */
export const EXEC_MAX_OUTPUT = 16 * 1024 * 1024;

/** Captured bytes of one stream: the first 16 MiB are kept, the rest drained and counted as truncation. */
class Capture {
  private readonly chunks: Buffer[] = [];
  length = 0;
  truncated = false;
  done = false;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const room = EXEC_MAX_OUTPUT - this.length;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.length, room));
    if (chunk.length > room) this.truncated = true;
    this.chunks.push(buf);
    this.length += buf.length;
  }

  data(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length);
  }
}

interface ExecRecord {
  readonly pid: number;
  readonly out?: Capture;
  readonly err?: Capture;
  readonly subscriptions: Subscription[];
  readonly kill: (signal: NodeJS.Signals | number) => void;
  exit?: ExitStatus;
  expiry?: NodeJS.Timeout;
}

/**
 * guest-exec processes and their captured output (docs/commands.md#guest-exec). A record is
 * deleted by the first status that reports `exited: true`, or — unlike
 * qemu-ga, which keeps it forever — `execRecordTtlMs` after the process
 * finished when nobody asks (docs/upstream-bugs.md#exec-records-never-freed).
 */
@injectable()
export class ExecRecords {
  private readonly records = new Map<number, ExecRecord>();

  constructor(
    @inject(TOKENS.AgentConfig) private readonly config: AgentConfig,
    @inject(TOKENS.ExecPort) @optional() private readonly exec?: ExecPort,
    @inject(TOKENS.Logger) @optional() private readonly logger?: Logger,
  ) {}

  /** Number of records held (running or finished but not yet collected). */
  get size(): number {
    return this.records.size;
  }

  /** Start a process; returns its pid. Spawn failures read like GLib's. */
  async spawn(req: SpawnRequest): Promise<number> {
    if (this.exec === undefined) throw new QgaError('guest-exec is not supported by this backend');
    let proc;
    try {
      proc = await this.exec.spawn(req);
    } catch (e) {
      if (isQgaError(e)) throw e;
      // GLib's g_spawn message, curly quotes included (\u201C…\u201D on the wire).
      throw new QgaError(`Failed to execute child process \u201C${req.path}\u201D (${errorText(e)})`);
    }
    const capture = req.capture;
    const record: ExecRecord = {
      pid: proc.pid,
      out: capture === 'stdout' || capture === 'separated' || capture === 'merged' ? new Capture() : undefined,
      err: capture === 'stderr' || capture === 'separated' ? new Capture() : undefined,
      subscriptions: [],
      kill: (signal) => proc.kill(signal),
    };
    // A pid can only come back after its old process was reaped: the new process wins.
    this.drop(this.records.get(proc.pid));
    this.records.set(proc.pid, record);

    const follow = (capture: Capture | undefined, stream: typeof proc.stdout): void => {
      if (capture === undefined) return;
      if (stream === undefined) {
        capture.done = true;
        return;
      }
      record.subscriptions.push(
        stream.subscribe({
          next: (chunk) => capture.push(chunk),
          error: (e: unknown) => {
            this.logger?.log('warning', `guest-exec pid ${proc.pid}: output stream failed: ${errorText(e)}`);
            capture.done = true;
            this.settle(record);
          },
          complete: () => {
            capture.done = true;
            this.settle(record);
          },
        }),
      );
    };
    follow(record.out, proc.stdout);
    follow(record.err, proc.stderr);
    proc.exit.then(
      (status) => {
        record.exit = status;
        this.settle(record);
      },
      (e: unknown) => {
        this.logger?.log('warning', `guest-exec pid ${proc.pid}: could not be reaped: ${errorText(e)}`);
        record.exit = {};
        this.settle(record);
      },
    );
    return proc.pid;
  }

  /** guest-exec-status. */
  status(pid: bigint): GuestExecStatus {
    const record = pid >= 0n && pid <= BigInt(Number.MAX_SAFE_INTEGER) ? this.records.get(Number(pid)) : undefined;
    // qemu-ga answers the literal "PID ld does not exist" here (its format string lacks the %).
    if (record === undefined) throw new QgaError(`PID ${pid} does not exist`);
    if (!finished(record)) return { exited: false };
    this.drop(record);
    const status: GuestExecStatus = { exited: true };
    if (record.exit?.exitcode !== undefined) status.exitcode = record.exit.exitcode;
    else if (record.exit?.signal !== undefined) status.signal = record.exit.signal;
    if (record.out !== undefined && record.out.length > 0) {
      status['out-data'] = new Base64Bytes(record.out.data());
      status['out-truncated'] = record.out.truncated;
    }
    if (record.err !== undefined && record.err.length > 0) {
      status['err-data'] = new Base64Bytes(record.err.data());
      status['err-truncated'] = record.err.truncated;
    }
    return status;
  }

  /** Send a signal to every process still running (not done at shutdown: qemu-ga leaves children alone). */
  killAll(signal: NodeJS.Signals | number = 'SIGTERM'): void {
    for (const record of this.records.values()) if (record.exit === undefined) record.kill(signal);
  }

  /** Forget every record and stop expiry timers (agent shutdown). Processes keep running. */
  dispose(): void {
    for (const record of [...this.records.values()]) this.drop(record);
  }

  private settle(record: ExecRecord): void {
    if (!finished(record) || record.expiry !== undefined || this.records.get(record.pid) !== record) return;
    const ttl = this.config.execRecordTtlMs;
    if (ttl <= 0 || !Number.isFinite(ttl)) return;
    record.expiry = setTimeout(() => {
      if (this.records.get(record.pid) === record) {
        this.logger?.log('info', `guest-exec pid ${record.pid}: status never collected, record dropped`);
        this.drop(record);
      }
    }, ttl);
    record.expiry.unref();
  }

  private drop(record: ExecRecord | undefined): void {
    if (record === undefined) return;
    if (this.records.get(record.pid) === record) this.records.delete(record.pid);
    if (record.expiry !== undefined) clearTimeout(record.expiry);
    for (const s of record.subscriptions) s.unsubscribe();
  }
}

/** Reaped, and every captured stream reached end of file. */
function finished(record: ExecRecord): boolean {
  return record.exit !== undefined && (record.out?.done ?? true) && (record.err?.done ?? true);
}
