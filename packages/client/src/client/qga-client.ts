import type { Socket } from 'node:net';
import type { QgaAddress } from '../address/qga-address.js';
import { parseAddress } from '../address/parse-address.js';
import type { JsonObject, JsonValue } from '../json/json-value.js';
import { NO_REPLY_COMMANDS } from '../protocol/no-reply-commands.js';
import { parseReply } from '../protocol/parse-reply.js';
import { QgaSession, type NoReplyWait, type StrayReason } from '../session/qga-session.js';
import { openSocket } from '../transport/open-socket.js';
import type { QgaTlsOptions } from '../transport/tls-options.js';
import { QgaConnectionError } from '../errors/qga-connection-error.js';
import { QgaTimeoutError } from '../errors/qga-timeout-error.js';
import type { CallOptions, CommandRunner } from '../ops/command-runner.js';
import { runGuestExec, type ExecOptions, type ExecResult } from '../ops/run-guest-exec.js';
import { readGuestFile, readGuestFileToBuffer } from '../ops/read-guest-file.js';
import { writeGuestFile, type FileData } from '../ops/write-guest-file.js';
import type { FileTransferOptions } from '../ops/file-transfer-options.js';
import { sleep } from '../ops/sleep.js';
import type {
  GuestAgentInfo,
  GuestFilesystemTrimResponse,
  GuestFsfreezeStatus,
  GuestHostName,
  GuestNetworkInterface,
  GuestOSInfo,
  GuestShutdownMode,
  GuestSuspendMode,
  GuestTimezone,
  WireInt,
} from '../types/guest-types.js';

/** Deadlines, retries and limits of a QgaClient. */
export interface QgaClientOptions {
  /** Default reply deadline of every call, and of the handshake when readyTimeoutMs is 0 (default 10 s). */
  readonly timeoutMs?: number;
  /**
   * Keep retrying the connection and the handshake for this long (default 0:
   * one attempt). Agents can take a long time to appear after a VM boots.
   */
  readonly readyTimeoutMs?: number;
  /** First guest-sync-delimited attempt waits this long before another is sent (default 1 s, then doubling). */
  readonly syncAttemptMs?: number;
  /** Sent as `AUTH <secret>\n` right after connecting (TCP transport with a shared secret). */
  readonly sharedSecret?: string;
  /** TLS for TCP addresses (a `tls:` address uses TLS with default settings). */
  readonly tls?: QgaTlsOptions;
  /** Largest reply accepted (default 256 MiB). */
  readonly maxReplyBytes?: number;
  /** Default tuning of readFile/writeFile. */
  readonly fileTransfer?: FileTransferOptions;
  /** Sees lines that answered nothing pending (stale replies, the error our 0xFF provokes). */
  readonly onStray?: (line: string, reason: StrayReason) => void;
  /** Sees every byte sent and received. */
  readonly trace?: (direction: 'in' | 'out', bytes: Buffer) => void;
}

export interface ExecuteOptions extends CallOptions {
  /**
   * For commands the agent does not answer on success (guest-shutdown,
   * guest-suspend-*): settle when written (default), when `accepted`
   * (a following guest-sync came back, or the connection dropped), or on `disconnect`.
   */
  readonly wait?: NoReplyWait;
}

/** What QgaClient.fsfreeze does: report the state, freeze, or thaw. */
export type FsfreezeAction = 'status' | 'freeze' | 'thaw';

const DEFAULT_TIMEOUT_MS = 10_000;
const RETRYABLE_CONNECT_CODES = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EAGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/**
 * A host-side client for the QEMU guest agent protocol. Connect with
 * `QgaClient.connect(address)`; the returned client is synchronised and ready.
 */
export class QgaClient implements CommandRunner {
  private constructor(
    private readonly session: QgaSession,
    readonly address: QgaAddress,
    private readonly options: QgaClientOptions,
  ) {}

  /**
   * Connects and performs the 0xFF + guest-sync-delimited handshake. With
   * `readyTimeoutMs`, refused or missing sockets and unanswered handshakes are
   * retried with backoff until the deadline.
   */
  static async connect(address: string | QgaAddress, options: QgaClientOptions = {}): Promise<QgaClient> {
    const addr = typeof address === 'string' ? parseAddress(address) : address;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const readyMs = options.readyTimeoutMs ?? 0;
    const deadline = Date.now() + Math.max(readyMs, 0);
    let backoff = 50;
    let lastError: unknown;
    for (let attempt = 0; ; attempt++) {
      const remaining = deadline - Date.now();
      if (attempt > 0 && remaining <= 0) break;
      const budget = readyMs > 0 ? Math.max(remaining, 1) : timeoutMs;
      let socket: Socket;
      try {
        socket = await openSocket(addr, {
          timeoutMs: Math.min(budget, timeoutMs),
          ...(options.tls !== undefined ? { tls: options.tls } : {}),
          ...(options.sharedSecret !== undefined ? { sharedSecret: options.sharedSecret } : {}),
        });
      } catch (err) {
        lastError = err;
        const code = (err as NodeJS.ErrnoException).code;
        if (readyMs <= 0 || !RETRYABLE_CONNECT_CODES.has(code ?? '') || Date.now() + backoff >= deadline) break;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 1000);
        continue;
      }
      // An agent that hangs up during the handshake may say why first (e.g. a TCP
      // transport's "authentication failed"): keep its words for the error message.
      let agentSaid: string | undefined;
      const session = new QgaSession(socket, {
        maxReplyBytes: options.maxReplyBytes ?? 256 * 1024 * 1024,
        syncAttemptMs: options.syncAttemptMs ?? 1000,
        onStray: (line, reason) => {
          if (!session.isSynced) agentSaid ??= parseReply(line)?.error?.desc;
          options.onStray?.(line, reason);
        },
        ...(options.trace ? { trace: options.trace } : {}),
      });
      try {
        await session.sync(readyMs > 0 ? Math.max(deadline - Date.now(), 1) : timeoutMs);
        return new QgaClient(session, addr, options);
      } catch (err) {
        lastError =
          err instanceof QgaConnectionError && agentSaid !== undefined
            ? new QgaConnectionError(`${err.message} (the agent said: ${agentSaid})`, { cause: err })
            : err;
        await session.close();
        if (readyMs <= 0 || Date.now() + backoff >= deadline) break;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 1000);
      }
    }
    const reason = lastError instanceof QgaTimeoutError ? 'no answer to guest-sync-delimited' : errorMessage(lastError);
    throw new QgaConnectionError(`cannot reach the guest agent at ${describe(addr)}: ${reason}`, { cause: lastError });
  }

  /** Default reply deadline of this client. */
  get timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** False once the connection has closed. */
  get isOpen(): boolean {
    return this.session.isOpen;
  }

  /** Resolves when the connection closes. */
  get closed(): Promise<void> {
    return this.session.closed;
  }

  /**
   * Runs a command and resolves with its `return` value. Agent errors reject
   * with QgaClientError (class + desc), missing replies with QgaTimeoutError
   * (after which the client resynchronises), a lost connection with QgaConnectionError.
   */
  execute<T = JsonValue>(command: string, args?: JsonObject, options: ExecuteOptions = {}): Promise<T> {
    const noReply = NO_REPLY_COMMANDS.has(command) ? (options.wait ?? 'written') : undefined;
    return this.session.execute(command, args, {
      timeoutMs: options.timeoutMs ?? this.timeoutMs,
      ...(noReply !== undefined ? { noReply } : {}),
    }) as Promise<T>;
  }

  /**
   * Sends any text verbatim and returns the reply lines it caused, exactly as
   * received (zero, one or several). Replies keep integers exact because nothing is re-encoded.
   */
  executeRaw(text: string, options: CallOptions = {}): Promise<string[]> {
    return this.session.executeRaw(text, options.timeoutMs ?? this.timeoutMs);
  }

  /** Forces a 0xFF + guest-sync-delimited resynchronisation. */
  sync(options: CallOptions = {}): Promise<void> {
    return this.session.sync(options.timeoutMs ?? this.timeoutMs);
  }

  /** Closes the connection. */
  /** Closes the connection after handing any written requests to the agent (waits at most 1 s). */
  async close(): Promise<void> {
    await this.session.close(true);
  }

  /** guest-ping: resolves when the agent answers. */
  async ping(options?: CallOptions): Promise<void> {
    await this.execute('guest-ping', undefined, options);
  }

  /** guest-info: the agent's version and its commands. */
  info(options?: CallOptions): Promise<GuestAgentInfo> {
    return this.execute<GuestAgentInfo>('guest-info', undefined, options);
  }

  /** Runs a program in the guest and waits for it, however long it runs (guest-exec + guest-exec-status polling). */
  exec(path: string, args: readonly string[] = [], options: ExecOptions = {}): Promise<ExecResult> {
    return runGuestExec(this, path, args, options);
  }

  /** Reads a whole guest file. */
  readFile(path: string, options: FileTransferOptions = {}): Promise<Buffer> {
    return readGuestFileToBuffer(this, path, { ...this.options.fileTransfer, ...options });
  }

  /** Streams a guest file chunk by chunk. */
  readFileChunks(path: string, options: FileTransferOptions = {}): AsyncGenerator<Buffer> {
    return readGuestFile(this, path, { ...this.options.fileTransfer, ...options });
  }

  /** Writes (by default replaces) a guest file; resolves with the number of bytes written. */
  writeFile(path: string, data: FileData, options: FileTransferOptions = {}): Promise<number> {
    return writeGuestFile(this, path, data, { ...this.options.fileTransfer, ...options });
  }

  /** guest-fsfreeze-status: whether the guest's filesystems are frozen. */
  fsfreeze(action: 'status', options?: CallOptions): Promise<GuestFsfreezeStatus>;
  /** guest-fsfreeze-freeze or -thaw: how many filesystems changed state. */
  fsfreeze(action: 'freeze' | 'thaw', options?: CallOptions): Promise<number>;
  /** The state for `status`, a filesystem count for `freeze` and `thaw`. */
  fsfreeze(action: FsfreezeAction, options?: CallOptions): Promise<GuestFsfreezeStatus | number>;
  fsfreeze(action: FsfreezeAction, options?: CallOptions): Promise<GuestFsfreezeStatus | number> {
    return this.execute(`guest-fsfreeze-${action}`, undefined, options);
  }

  /** Freezes only the given mountpoints (guest-fsfreeze-freeze-list). */
  fsfreezeList(mountpoints: readonly string[], options?: CallOptions): Promise<number> {
    return this.execute('guest-fsfreeze-freeze-list', { mountpoints: [...mountpoints] }, options);
  }

  /** guest-fstrim: trim every mounted filesystem, ignoring free ranges shorter than `minimum` bytes. */
  fstrim(minimum?: WireInt, options?: CallOptions): Promise<GuestFilesystemTrimResponse> {
    return this.execute('guest-fstrim', minimum === undefined ? undefined : { minimum }, options);
  }

  /** guest-network-get-interfaces. */
  interfaces(options?: CallOptions): Promise<GuestNetworkInterface[]> {
    return this.execute('guest-network-get-interfaces', undefined, options);
  }

  /** guest-get-host-name, unwrapped to the name. */
  async hostname(options?: CallOptions): Promise<string> {
    return (await this.execute<GuestHostName>('guest-get-host-name', undefined, options))['host-name'];
  }

  /** guest-get-osinfo. */
  osinfo(options?: CallOptions): Promise<GuestOSInfo> {
    return this.execute('guest-get-osinfo', undefined, options);
  }

  /** guest-get-timezone. */
  timezone(options?: CallOptions): Promise<GuestTimezone> {
    return this.execute('guest-get-timezone', undefined, options);
  }

  /** Guest wall clock in ns since the epoch (a bigint: it exceeds 2^53). */
  async time(options?: CallOptions): Promise<bigint> {
    return BigInt(await this.execute<WireInt>('guest-get-time', undefined, options));
  }

  /** guest-shutdown; see ExecuteOptions.wait for when it settles. */
  async shutdown(mode?: GuestShutdownMode, options: ExecuteOptions = {}): Promise<void> {
    await this.execute('guest-shutdown', mode === undefined ? undefined : { mode }, options);
  }

  /** guest-suspend-disk|ram|hybrid; see ExecuteOptions.wait for when it settles. */
  async suspend(mode: GuestSuspendMode, options: ExecuteOptions = {}): Promise<void> {
    await this.execute(`guest-suspend-${mode}`, undefined, options);
  }
}

function describe(addr: QgaAddress): string {
  return addr.kind === 'unix' ? addr.path : `${addr.host}:${addr.port}`;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
