import type { Socket } from 'node:net';
import { Observable } from 'rxjs';
import type { Logger, TransportSession } from '@qga/core';

export interface SocketSessionOptions {
  readonly id: number;
  /** Peer description for logs, e.g. `unix:/run/qga.sock#3`. */
  readonly label: string;
  readonly logger?: Logger;
  /** Bytes already consumed from the socket (e.g. after an auth line) that belong to the session. */
  readonly initial?: Uint8Array;
  /**
   * After the host half-closes (shuts down its sending side) the session stays
   * writable so in-flight replies still arrive; if the agent has not closed it
   * and nothing was written for this long, the transport closes it.
   */
  readonly halfOpenTimeoutMs?: number;
  /** A graceful close() that the peer does not complete within this time is forced. */
  readonly closeTimeoutMs?: number;
}

/**
 * A stream socket as a TransportSession.
 *
 * Backpressure: when the socket's write buffer is above its high-water mark,
 * write() returns a promise and the socket stops reading until it drains. The
 * agent waits for that promise before writing again, so a host that sends
 * requests but never reads replies ends up blocked by its own kernel buffers
 * instead of growing our memory.
 */
export class SocketSession implements TransportSession {
  readonly id: number;
  readonly input$: Observable<Uint8Array>;

  private reading = false;
  /** The agent asked us to stop reading (too many requests waiting their turn). */
  private held = false;
  private drain: Promise<void> | undefined;
  private pendingInitial: Uint8Array | undefined;
  private halfOpenTimer: NodeJS.Timeout | undefined;
  private peerEnded = false;

  constructor(
    private readonly socket: Socket,
    private readonly options: SocketSessionOptions,
  ) {
    this.id = options.id;
    this.pendingInitial = options.initial && options.initial.length > 0 ? options.initial : undefined;
    // A reset peer must never surface as an unhandled 'error' event.
    socket.on('error', (err) => this.log('debug', `${options.label}: ${err.message}`));
    socket.once('end', () => {
      this.peerEnded = true;
      this.armHalfOpenTimer();
    });
    socket.once('close', () => this.clearHalfOpenTimer());
    this.input$ = new Observable<Uint8Array>((subscriber) => {
      const initial = this.pendingInitial;
      this.pendingInitial = undefined;
      if (initial) subscriber.next(initial);
      if (socket.destroyed || socket.readableEnded) {
        subscriber.complete();
        return undefined;
      }
      const onData = (chunk: Buffer): void => subscriber.next(chunk);
      const onEnd = (): void => subscriber.complete();
      socket.on('data', onData);
      socket.once('end', onEnd);
      socket.once('close', onEnd);
      this.reading = true;
      this.resumeIfFree();
      return () => {
        this.reading = false;
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.off('close', onEnd);
        if (!socket.destroyed) socket.pause();
      };
    });
  }

  write(bytes: Uint8Array): void | Promise<void> {
    const socket = this.socket;
    // The peer is gone: replies have nowhere to go; dropping them is what qemu-ga does too.
    if (socket.destroyed || socket.writableEnded) return undefined;
    if (this.peerEnded) this.armHalfOpenTimer();
    if (socket.write(bytes)) return undefined;
    return this.waitForDrain();
  }

  pause(): void {
    this.held = true;
    if (!this.socket.destroyed) this.socket.pause();
  }

  resume(): void {
    this.held = false;
    this.resumeIfFree();
  }

  /** Read again unless the agent holds us or a write waits for the peer. */
  private resumeIfFree(): void {
    if (this.reading && !this.held && !this.drain && !this.socket.destroyed) this.socket.resume();
  }

  close(): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    this.clearHalfOpenTimer();
    // end() flushes queued replies first; a peer that never reads them cannot keep us forever.
    socket.end();
    const timer = setTimeout(() => socket.destroy(), this.options.closeTimeoutMs ?? 5_000);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }

  /** Forceful close, used when the transport stops. */
  destroy(): void {
    this.clearHalfOpenTimer();
    this.socket.destroy();
  }

  private waitForDrain(): Promise<void> {
    if (!this.drain) {
      const socket = this.socket;
      socket.pause();
      this.drain = new Promise<void>((resolve) => {
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          this.drain = undefined;
          this.resumeIfFree();
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
    return this.drain;
  }

  private armHalfOpenTimer(): void {
    this.clearHalfOpenTimer();
    if (this.socket.destroyed) return;
    this.halfOpenTimer = setTimeout(() => {
      this.log('debug', `${this.options.label}: closing half-open connection`);
      this.close();
    }, this.options.halfOpenTimeoutMs ?? 60_000);
    this.halfOpenTimer.unref();
  }

  private clearHalfOpenTimer(): void {
    if (this.halfOpenTimer) clearTimeout(this.halfOpenTimer);
    this.halfOpenTimer = undefined;
  }

  private log(level: 'debug' | 'info' | 'warning' | 'error', message: string): void {
    this.options.logger?.log(level, message);
  }
}
