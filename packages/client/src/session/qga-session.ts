import type { Duplex } from 'node:stream';
import { randomInt } from 'node:crypto';
import type { JsonObject, JsonValue } from '../json/json-value.js';
import { quote, stringifyJson } from '../json/stringify-json.js';
import { ReplyFramer } from '../protocol/reply-framer.js';
import { isSameInteger, parseReply, type QgaReply } from '../protocol/parse-reply.js';
import { randomSyncId } from '../protocol/random-sync-id.js';
import { QgaClientError } from '../errors/qga-client-error.js';
import { QgaConnectionError } from '../errors/qga-connection-error.js';
import { QgaProtocolError } from '../errors/qga-protocol-error.js';
import { QgaTimeoutError } from '../errors/qga-timeout-error.js';
import { EntryQueue } from './entry-queue.js';

/**
 * How a success-response:false command (guest-shutdown, guest-suspend-*) settles:
 * - `written`: once the request is written to the socket;
 * - `accepted`: once a later reply proves the agent ran it without error
 *   (a guest-sync is sent right behind it), or the connection drops;
 * - `disconnect`: once the connection drops (the guest went away).
 * An error reply rejects in the last two modes.
 */
export type NoReplyWait = 'written' | 'accepted' | 'disconnect';

/** Why a line was not taken as a reply to anything pending. */
export type StrayReason = 'before-sync' | 'unmatched-id' | 'not-json' | 'stale-sync' | 'no-pending' | 'late-error' | 'sync-refused';

/** Limits and hooks of a QgaSession. */
export interface QgaSessionOptions {
  /** Largest reply line accepted; a bigger one closes the connection. */
  readonly maxReplyBytes: number;
  /** First guest-sync-delimited attempt waits this long before another is sent (then doubles, up to 8 s). */
  readonly syncAttemptMs: number;
  /** Called for lines that answer nothing pending (stale replies, the error our 0xFF provokes, …). */
  readonly onStray?: (line: string, reason: StrayReason) => void;
  /** Sees every byte sent and received. */
  readonly trace?: (direction: 'in' | 'out', bytes: Buffer) => void;
}

/** Deadline of one QgaSession.execute call, and how to treat commands that do not answer. */
export interface SessionExecuteOptions {
  readonly timeoutMs: number;
  /** Set for commands the agent does not answer on success. */
  readonly noReply?: NoReplyWait;
}

interface Settler<T> {
  settled: boolean;
  timer: NodeJS.Timeout | undefined;
  resolve(value: T): void;
  reject(error: Error): void;
}

interface CommandEntry {
  readonly kind: 'cmd';
  readonly id: number;
  readonly command: string;
  readonly noReply: NoReplyWait | undefined;
  readonly settler: Settler<JsonValue>;
}

interface RawEntry {
  readonly kind: 'raw';
  readonly id: number;
  readonly terminator: bigint;
  readonly lines: string[];
  readonly settler: Settler<string[]>;
}

interface SyncEntry {
  readonly kind: 'sync';
  readonly id: number;
  readonly syncId: bigint;
  /** Plain guest-sync (the agent refused the delimited one). */
  readonly plain: boolean;
}

type Entry = CommandEntry | RawEntry | SyncEntry;

/** A request written only once the stream is in sync. */
interface HeldWrite {
  readonly entries: Entry[];
  readonly bytes: Buffer;
  readonly settler: { reject(error: Error): void };
  readonly onWritten?: () => void;
}

const FF = Buffer.from([0xff]);

/**
 * One connection to an agent. Requests carry an `id` and replies are matched
 * by order and id. The stream is (re)synchronised with 0xFF + guest-sync-delimited
 * (docs/protocol.md#synchronisation) at start, after every timeout and after any reply that breaks the
 * order, so a late reply is never taken for a newer one. While out of sync,
 * new requests are held back and written after the sync succeeds.
 */
export class QgaSession {
  private readonly queue = new EntryQueue<Entry>();
  /** Sync entries still queued, so a reply is checked against them without scanning the queue. */
  private readonly queuedSyncs = new Set<SyncEntry>();
  private corked = false;
  private readonly held: HeldWrite[] = [];
  private readonly framer: ReplyFramer;
  private synced = false;
  private syncing = false;
  /** Set when the agent refuses guest-sync-delimited (e.g. an allow list): plain guest-sync then. */
  private plainSync = false;
  private syncAttemptTimer: NodeJS.Timeout | undefined;
  private syncWaiters: Array<{ resolve(): void; reject(e: Error): void }> = [];
  private nextId = randomInt(1, 2 ** 40);
  private closedError: Error | undefined;
  private readonly closedPromise: Promise<void>;
  private resolveClosed!: () => void;

  constructor(
    private readonly socket: Duplex,
    private readonly options: QgaSessionOptions,
  ) {
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
    this.framer = new ReplyFramer(
      (line, delimited) => this.onLine(line, delimited),
      options.maxReplyBytes,
      (bytes) => this.destroy(new QgaProtocolError(`reply longer than ${options.maxReplyBytes} bytes (${bytes} buffered)`)),
    );
    socket.on('data', (chunk: Buffer) => {
      options.trace?.('in', chunk);
      this.framer.push(chunk);
    });
    socket.on('error', (err) => this.onClosed(new QgaConnectionError(`connection error: ${err.message}`, { cause: err })));
    socket.on('close', () => this.onClosed(new QgaConnectionError('connection closed by the agent')));
    socket.on('end', () => socket.end());
  }

  /** True until the connection is closed. */
  get isOpen(): boolean {
    return this.closedError === undefined;
  }

  /** True when the stream is known to be in sync. */
  get isSynced(): boolean {
    return this.synced;
  }

  /** Resolves when the connection has closed. */
  get closed(): Promise<void> {
    return this.closedPromise;
  }

  /** Synchronises (or resynchronises) the stream; resolves once the agent echoed our random id. */
  sync(timeoutMs: number): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (this.synced) this.requestResync();
    else if (!this.syncing) this.startSync();
    return this.waitSynced(timeoutMs);
  }

  /** Waits for the current synchronisation to finish. */
  waitSynced(timeoutMs: number): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (this.synced) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.syncWaiters = this.syncWaiters.filter((w) => w !== waiter);
        reject(new QgaTimeoutError('guest-sync-delimited', timeoutMs));
      }, timeoutMs);
      this.syncWaiters.push(waiter);
    });
  }

  /** Sends one command; resolves with its `return` value or rejects with QgaClientError. */
  execute(command: string, args: JsonObject | undefined, options: SessionExecuteOptions): Promise<JsonValue> {
    return new Promise<JsonValue>((resolve, reject) => {
      if (this.closedError) {
        reject(this.closedError);
        return;
      }
      const id = this.allocateId();
      const request = `{"execute":${quote(command)}${args === undefined ? '' : `,"arguments":${stringifyJson(args)}`},"id":${id}}`;
      const settler = this.makeSettler<JsonValue>(resolve, reject);
      const entry: CommandEntry = { kind: 'cmd', id, command, noReply: options.noReply, settler };
      const entries: Entry[] = [entry];
      let text = request;
      if (options.noReply === 'accepted') {
        // A reply to this follow-up proves the command ran without an error reply.
        const followId = this.allocateId();
        const follow: CommandEntry = {
          kind: 'cmd',
          id: followId,
          command: 'guest-sync',
          noReply: undefined,
          settler: this.makeSettler(
            () => {},
            () => {},
          ),
        };
        entries.push(follow);
        text += `{"execute":"guest-sync","arguments":{"id":${followId}},"id":${followId}}`;
      }
      settler.timer = setTimeout(() => this.onTimeout(entry, settler, command, options.timeoutMs), options.timeoutMs);
      const onWritten = options.noReply === 'written' ? () => settler.resolve({}) : undefined;
      this.submit({ entries, bytes: Buffer.from(text, 'latin1'), settler, ...(onWritten ? { onWritten } : {}) });
    });
  }

  /**
   * Sends text verbatim and returns every reply line it produced, exactly as
   * received. A guest-sync written right behind it marks the end of those
   * replies, so zero, one or many replies are all collected.
   */
  executeRaw(text: string, timeoutMs: number): Promise<string[]> {
    return new Promise<string[]>((resolve, reject) => {
      if (this.closedError) {
        reject(this.closedError);
        return;
      }
      const id = this.allocateId();
      const terminator = randomSyncId();
      const settler = this.makeSettler<string[]>(resolve, reject);
      const entry: RawEntry = { kind: 'raw', id, terminator, lines: [], settler };
      // Newline first: a bare scalar only completes when the lexer sees the next byte.
      const bytes = Buffer.concat([
        Buffer.from(text, 'utf8'),
        Buffer.from(`\n{"execute":"guest-sync","arguments":{"id":${terminator}},"id":${id}}`, 'latin1'),
      ]);
      settler.timer = setTimeout(() => this.onTimeout(entry, settler, 'raw request', timeoutMs), timeoutMs);
      this.submit({ entries: [entry], bytes, settler });
    });
  }

  /**
   * Closes the connection; pending requests reject with QgaConnectionError.
   * Graceful: end the stream (so already written requests reach the agent) and
   * wait up to a second for the agent to hang up; otherwise destroy at once.
   */
  close(graceful = false): Promise<void> {
    if (!this.closedError) {
      this.onClosed(new QgaConnectionError('connection closed by the client'), graceful);
    }
    return this.closedPromise;
  }

  private destroy(error: Error): void {
    this.onClosed(error);
  }

  private allocateId(): number {
    const id = this.nextId++;
    if (this.nextId >= Number.MAX_SAFE_INTEGER) this.nextId = 1;
    return id;
  }

  private makeSettler<T>(resolve: (v: T) => void, reject: (e: Error) => void): Settler<T> {
    const settler: Settler<T> = {
      settled: false,
      timer: undefined,
      resolve: (v: T) => {
        if (settler.settled) return;
        settler.settled = true;
        clearTimeout(settler.timer);
        resolve(v);
      },
      reject: (e: Error) => {
        if (settler.settled) return;
        settler.settled = true;
        clearTimeout(settler.timer);
        reject(e);
      },
    };
    return settler;
  }

  private submit(write: HeldWrite): void {
    if (this.synced) this.write(write);
    else {
      this.held.push(write);
      if (!this.syncing) this.startSync();
    }
  }

  private write(write: HeldWrite): void {
    this.queue.push(...write.entries);
    this.writeBytes(write.bytes, write.onWritten);
  }

  private writeBytes(bytes: Buffer, onWritten?: () => void): void {
    this.options.trace?.('out', bytes);
    // Requests issued in the same tick leave in one writev instead of one syscall each.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    // Write errors also surface as the socket's 'error' event, which closes the session.
    if (onWritten) this.socket.write(bytes, (err) => (err ? undefined : onWritten()));
    else this.socket.write(bytes);
  }

  private onTimeout(entry: Entry, settler: { reject(error: Error): void }, what: string, timeoutMs: number): void {
    const heldIndex = this.held.findIndex((h) => h.entries.includes(entry));
    if (heldIndex >= 0) this.held.splice(heldIndex, 1);
    settler.reject(new QgaTimeoutError(what, timeoutMs));
    // The entry stays queued (abandoned) so its late reply is recognised and dropped.
    if (heldIndex < 0) this.requestResync();
  }

  private requestResync(): void {
    if (this.closedError || this.syncing) return;
    this.synced = false;
    this.startSync();
  }

  private startSync(): void {
    this.synced = false;
    this.syncing = true;
    this.sendSyncAttempt(this.options.syncAttemptMs);
  }

  private sendSyncAttempt(waitMs: number): void {
    if (this.closedError) return;
    const syncId = randomSyncId();
    const id = this.allocateId();
    const entry: SyncEntry = { kind: 'sync', id, syncId, plain: this.plainSync };
    this.queue.push(entry);
    this.queuedSyncs.add(entry);
    const command = this.plainSync ? 'guest-sync' : 'guest-sync-delimited';
    // 0xFF flushes whatever partial request the agent's parser holds (it answers with one error).
    this.writeBytes(Buffer.concat([FF, Buffer.from(`{"execute":"${command}","arguments":{"id":${syncId}},"id":${id}}`, 'latin1')]));
    clearTimeout(this.syncAttemptTimer);
    this.syncAttemptTimer = setTimeout(() => {
      if (this.syncing) this.sendSyncAttempt(Math.min(waitMs * 2, 8000));
    }, waitMs);
  }

  private onSynced(index: number): void {
    this.settleSkipped(index);
    this.queuedSyncs.delete(this.queue.shift() as SyncEntry);
    clearTimeout(this.syncAttemptTimer);
    this.syncAttemptTimer = undefined;
    // Later sync attempts stay queued: the error reply their 0xFF provokes must not be taken for a command's reply.
    this.syncing = false;
    this.synced = true;
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    for (const w of waiters) w.resolve();
    const held = this.held.splice(0);
    for (const h of held) this.write(h);
  }

  private onLine(line: string, delimited: boolean): void {
    const reply = parseReply(line);
    if (reply !== undefined && this.onSyncReply(reply, line)) return;
    // A delimited line not answering our sync is a caller's own guest-sync-delimited
    // (handled like any reply) or a stale one.
    const head = this.queue.at(0);
    if (head === undefined) {
      this.stray(line, delimited ? 'stale-sync' : 'no-pending');
      return;
    }
    const firstAnswerable = this.queue.findIndex((e) => !(e.kind === 'cmd' && e.noReply !== undefined));
    const rawHead = firstAnswerable >= 0 ? this.queue.at(firstAnswerable) : undefined;
    const idIndex = reply?.id === undefined ? -1 : this.findById(reply.id);
    if (rawHead?.kind === 'raw' && !(idIndex >= 0 && idIndex < firstAnswerable)) {
      if (reply?.id === rawHead.id && isSameInteger(reply.returnValue, rawHead.terminator)) {
        this.settleSkipped(firstAnswerable);
        this.queue.shift();
        rawHead.settler.resolve(rawHead.lines);
      } else {
        rawHead.lines.push(line);
      }
      return;
    }
    if (reply === undefined) {
      this.stray(line, 'not-json');
      if (this.synced) this.requestResync();
      return;
    }
    if (reply.id !== undefined) {
      const index = idIndex;
      if (index < 0) {
        this.stray(line, delimited ? 'stale-sync' : this.synced ? 'unmatched-id' : 'before-sync');
        return;
      }
      this.settleSkipped(index);
      const entry = this.queue.shift() as CommandEntry | RawEntry;
      if (entry.kind === 'raw') {
        entry.settler.reject(new QgaProtocolError(`unexpected reply to a raw request: ${line}`));
        this.requestResync();
        return;
      }
      this.deliver(entry, reply, line);
      return;
    }
    // No id: the agent could not read our request (e.g. a JSON limit). Order decides.
    if (rawHead?.kind === 'cmd') {
      this.settleSkipped(firstAnswerable);
      const entry = this.queue.shift() as CommandEntry;
      this.deliver(entry, reply, line);
      if (reply.error) this.requestResync();
      return;
    }
    this.stray(line, delimited ? 'stale-sync' : this.synced ? 'no-pending' : 'before-sync');
  }

  /**
   * Handles replies to our own sync attempts: the echoed random id completes the
   * sync (the 0xFF the agent wrote before it has already reset the line reader);
   * an error means the agent refuses guest-sync-delimited, so plain guest-sync is tried.
   */
  private onSyncReply(reply: QgaReply, line: string): boolean {
    if (this.queuedSyncs.size === 0) return false;
    let match: SyncEntry | undefined;
    for (const e of this.queuedSyncs) {
      const answers = reply.hasReturn
        ? isSameInteger(reply.returnValue, e.syncId) && (reply.id === undefined || reply.id === e.id)
        : reply.error !== undefined && reply.id === e.id;
      if (answers) match = e;
    }
    if (match === undefined) return false;
    const index = this.queue.findIndex((e) => e === match);
    if (reply.hasReturn) {
      this.onSynced(index);
      return true;
    }
    const entry = match;
    this.settleSkipped(index);
    this.queue.shift();
    this.queuedSyncs.delete(entry);
    this.stray(line, 'sync-refused');
    if (entry.plain) {
      this.onClosed(new QgaConnectionError(`the agent refuses guest-sync: ${reply.error?.desc ?? line}`));
    } else if (!this.plainSync) {
      this.plainSync = true;
      if (this.syncing) this.sendSyncAttempt(this.options.syncAttemptMs);
    }
    return true;
  }

  private findById(id: JsonValue): number {
    if (typeof id !== 'number') return -1;
    return this.queue.findIndex((e) => e.kind !== 'sync' && e.id === id);
  }

  /** Entries before `index` got no reply of their own: that is success for no-reply commands. */
  private settleSkipped(index: number): void {
    if (index <= 0) return;
    const skipped = this.queue.takeFront(index);
    let broken = false;
    for (const e of skipped) {
      if (e.kind === 'sync') {
        this.queuedSyncs.delete(e);
        continue;
      }
      if (e.kind === 'cmd' && e.noReply !== undefined) {
        if (e.noReply === 'accepted') e.settler.resolve({});
        continue;
      }
      if (!e.settler.settled) {
        e.settler.reject(new QgaProtocolError(`${e.kind === 'cmd' ? e.command : 'raw request'}: the agent skipped the reply`));
        broken = true;
      }
    }
    if (broken) this.requestResync();
  }

  private deliver(entry: CommandEntry, reply: QgaReply, line: string): void {
    if (entry.settler.settled) {
      if (reply.error && entry.noReply !== undefined) this.stray(line, 'late-error');
      return;
    }
    if (reply.error) entry.settler.reject(new QgaClientError(reply.error.errorClass, reply.error.desc, entry.command));
    else if (reply.hasReturn) entry.settler.resolve(reply.returnValue as JsonValue);
    else entry.settler.reject(new QgaProtocolError(`${entry.command}: reply has neither return nor error: ${line}`));
  }

  private stray(line: string, reason: StrayReason): void {
    this.options.onStray?.(line, reason);
  }

  private onClosed(error: Error, graceful = false): void {
    if (this.closedError) return;
    this.closedError = error;
    clearTimeout(this.syncAttemptTimer);
    this.syncing = false;
    this.synced = false;
    this.queuedSyncs.clear();
    for (const e of this.queue.takeFront(this.queue.length)) {
      if (e.kind === 'sync') continue;
      if (e.kind === 'cmd' && (e.noReply === 'disconnect' || e.noReply === 'accepted')) e.settler.resolve({});
      else e.settler.reject(error);
    }
    for (const h of this.held.splice(0)) h.settler.reject(error);
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    for (const w of waiters) w.reject(error);
    if (graceful && !this.socket.destroyed) {
      const timer = setTimeout(() => this.socket.destroy(), 1000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        this.resolveClosed();
      });
      this.socket.end();
    } else {
      this.socket.destroy();
      this.resolveClosed();
    }
  }
}
