import type { Subscriber } from 'rxjs';
import { type Logger, type TransportSession } from '@qga/core';
import { nextSessionId } from '@qga/core/internal';
import { INITIAL_STATE, step, type MachineAction, type MachineEvent, type MachinePolicy, type MachineState } from './device-machine.js';
import { DeviceSession, type DeviceSessionOwner } from './device-session.js';
import type { DeviceIo } from './device-io.js';

export interface CharDeviceChannelOptions {
  /** For logs, e.g. `virtio-serial:/dev/virtio-ports/org.qemu.guest_agent.0`. */
  readonly description: string;
  readonly path: string;
  readonly policy: MachinePolicy;
  /** Opens, reads, writes and closes the device (POSIX descriptors or Win32 handles). */
  readonly io: DeviceIo;
  readonly logger?: Logger;
  /** Largest single read (default 64 KiB). */
  readonly readSize?: number;
}

/** An open descriptor and the pool operations still using it (close waits for them). */
interface OpenFd {
  readonly fd: number;
  refs: number;
  closing: boolean;
  /** Writes to this descriptor, one after the other; a write stuck on an old fd never blocks a new one. */
  chain: Promise<void>;
  pendingWrites: number;
}

/**
 * The I/O shell around device-machine.ts for one character device.
 *
 * - At most one read is in flight (a blocked read holds a libuv pool thread).
 * - No read is started while a write is pending or the session cannot take
 *   input: a host that stops reading replies stops us reading requests, so
 *   memory stays bounded, and nothing spins.
 * - A descriptor is closed only after the pool operations using it return,
 *   so its number can never be reused under an in-flight read.
 */
export class CharDeviceChannel implements DeviceSessionOwner {
  private state: MachineState = INITIAL_STATE;
  private current: OpenFd | undefined;
  private session: DeviceSession | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readInFlight = false;
  private readWanted = false;
  private chunk: Uint8Array | undefined;
  private readonly buffer: Buffer;
  private lastOpenError = '';

  constructor(
    private readonly options: CharDeviceChannelOptions,
    private readonly subscriber: Subscriber<TransportSession>,
  ) {
    this.buffer = Buffer.allocUnsafe(options.readSize ?? 64 * 1024);
  }

  start(): void {
    this.dispatch({ type: 'start' });
  }

  stop(): void {
    this.clearTimer();
    this.dispatch({ type: 'stop' });
  }

  // ---- DeviceSessionOwner

  write(session: DeviceSession, bytes: Uint8Array): void | Promise<void> {
    const target = this.current;
    // Replies for a session that ended (host gone, device reopened) have nowhere to go.
    if (session !== this.session || session.ended || !target || target.closing) return undefined;
    target.pendingWrites += 1;
    target.chain = target.chain
      .then(() => this.writeAll(target, bytes))
      .then(() => {
        target.pendingWrites -= 1;
        this.pump();
      });
    return target.chain;
  }

  closeSession(session: DeviceSession): void {
    if (session === this.session && !session.ended) this.dispatch({ type: 'session-closed' });
  }

  inputDemandChanged(): void {
    this.pump();
  }

  // ---- machine plumbing

  private dispatch(event: MachineEvent): void {
    const { state, actions } = step(this.state, event, this.options.policy);
    this.state = state;
    for (const action of actions) this.perform(action);
  }

  private perform(action: MachineAction): void {
    switch (action.type) {
      case 'open':
        this.open();
        break;
      case 'close':
        if (this.current) this.release(this.current, true);
        this.current = undefined;
        this.readWanted = false;
        break;
      case 'read':
        this.readWanted = true;
        this.pump();
        break;
      case 'wait':
        this.clearTimer();
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.dispatch({ type: 'timer' });
        }, action.ms);
        break;
      case 'start-session': {
        const session = new DeviceSession(nextSessionId(), this);
        this.session = session;
        this.log('debug', `${this.options.description}: session ${session.id} started`);
        this.subscriber.next(session);
        break;
      }
      case 'deliver': {
        const chunk = this.chunk;
        this.chunk = undefined;
        if (chunk) this.session?.push(chunk);
        break;
      }
      case 'end-session':
        if (this.session) this.log('debug', `${this.options.description}: session ${this.session.id} ended`);
        this.session?.end();
        this.session = undefined;
        break;
      case 'fail':
        this.subscriber.error(action.error);
        break;
    }
  }

  private open(): void {
    this.options.io.open(this.options.path).then(
      (fd) => {
        if (this.state.phase !== 'opening') {
          this.options.io.close(fd); // stopped while opening
          return;
        }
        this.current = { fd, refs: 0, closing: false, chain: Promise.resolve(), pendingWrites: 0 };
        if (this.lastOpenError) this.log('info', `${this.options.description}: device is back`);
        else this.log('info', `${this.options.description}: opened`);
        this.lastOpenError = '';
        this.dispatch({ type: 'opened' });
      },
      (err: NodeJS.ErrnoException) => {
        // Log a missing device once, not on every retry.
        const text = err.code ?? err.message;
        if (text !== this.lastOpenError) {
          this.log('warning', `${this.options.description}: cannot open: ${err.message}${this.options.policy.retry ? '; retrying' : ''}`);
          this.lastOpenError = text;
        }
        this.dispatch({ type: 'open-failed', error: err });
      },
    );
  }

  /** Start the wanted read if nothing holds it back. */
  private pump(): void {
    if (!this.readWanted || this.readInFlight || this.state.phase !== 'reading') return;
    const target = this.current;
    if (!target || target.closing) return;
    if (target.pendingWrites > 0) return;
    const session = this.session;
    // Without a session (virtio waiting for a host) we read to notice the host; the first chunk opens one.
    if (session && !session.wantsInput) return;
    this.readWanted = false;
    this.readInFlight = true;
    target.refs += 1;
    const settle = (err: Error | null, n: number): void => {
      this.readInFlight = false;
      this.release(target, false);
      if (target !== this.current) return; // reopened or stopped meanwhile
      if (err) {
        this.log('warning', `${this.options.description}: read failed: ${err.message}; reopening`);
        this.dispatch({ type: 'io-error', error: err });
      } else if (n === 0) {
        this.dispatch({ type: 'eof' });
      } else {
        this.chunk = Buffer.from(this.buffer.subarray(0, n));
        this.dispatch({ type: 'data' });
      }
    };
    this.options.io.read(target.fd, this.buffer).then(
      (n) => settle(null, n),
      (err: Error) => settle(err, 0),
    );
  }

  private async writeAll(target: OpenFd, bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      if (target.closing || target !== this.current) return;
      target.refs += 1;
      let written: number;
      try {
        written = await this.options.io.write(target.fd, bytes, offset, bytes.length - offset);
      } catch (err) {
        if (target === this.current) {
          this.log('warning', `${this.options.description}: write failed: ${(err as Error).message}; reopening`);
          this.dispatch({ type: 'io-error', error: err as Error });
        }
        return;
      } finally {
        this.release(target, false);
      }
      offset += written;
    }
  }

  /** Drop a reference (and/or ask to close); the fd closes when nothing uses it any more. */
  private release(target: OpenFd, requestClose: boolean): void {
    if (requestClose) {
      target.closing = true;
      if (target.refs > 0) this.options.io.cancel?.(target.fd);
    } else target.refs -= 1;
    if (target.closing && target.refs === 0) {
      target.refs = -1; // closed; never again
      this.options.io.close(target.fd);
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private log(level: 'debug' | 'info' | 'warning' | 'error', message: string): void {
    this.options.logger?.log(level, message);
  }
}
