import { catchError, defer, EMPTY, retry, tap, timer, type Observable } from 'rxjs';
import type { Logger, Transport, TransportSession } from '@qga/core';

/** qemu-ga's QGA_RETRY_INTERVAL: wait this long before re-creating a failed channel with `-r`. */
export const RETRY_INTERVAL_MS = 5_000;

export interface ChannelSupervisorOptions {
  readonly retryPath: boolean;
  readonly logger: Logger;
  /** Transports without a "listening" callback count as open after this long without an error. */
  readonly settleMs?: number;
  readonly retryIntervalMs?: number;
}

/**
 * Watches the channel for the service layer (docs/agent.md#transports, docs/agent.md#daemon-pidfile-logging-signals):
 *  - `ready` resolves once the channel is open (the daemon's parent waits for
 *    it; an error before that is an initialization failure, exit 1) — or,
 *    with `-r`, once the first attempt has failed and a retry is scheduled;
 *  - after that, the channel ending or failing without `-r` stops the agent
 *    with exit status 0, as qemu-ga does; with `-r` it is re-created every 5 s.
 */
export class ChannelSupervisor {
  readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private rejectReady!: (e: Error) => void;
  private isReady = false;
  private ended?: (error?: Error) => void;

  constructor(private readonly options: ChannelSupervisorOptions) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => undefined);
  }

  /** For the transport's onListening callback. */
  readonly listening = (): void => this.markReady();

  /** Called once when the channel is gone for good after startup. */
  onEnd(callback: (error?: Error) => void): void {
    this.ended = callback;
  }

  /**
   * `hasReadySignal`: the transport calls `listening` when open.
   * `retryHere`: with -r, re-create the channel here after an error (listening
   * sockets); false when the transport re-opens by itself (serial devices).
   */
  wrap(inner: Transport, hasReadySignal: boolean, retryHere: boolean): Transport {
    const { logger, retryPath } = this.options;
    const interval = this.options.retryIntervalMs ?? RETRY_INTERVAL_MS;
    return {
      description: inner.description,
      sessions: (): Observable<TransportSession> => {
        let source = defer(() => {
          if (!hasReadySignal) timer(this.options.settleMs ?? 100).subscribe(() => this.markReady());
          return inner.sessions();
        });
        if (retryPath && retryHere) {
          source = source.pipe(
            retry({
              delay: (error: unknown) => {
                const phase = this.isReady ? 'channel error' : 'failed to initialize guest agent channel';
                logger.log('error', `${phase}: ${message(error)}, will retry in ${interval / 1000} s`);
                this.markReady();
                return timer(interval);
              },
            }),
          );
        }
        return source.pipe(
          tap({
            error: (error: unknown) => this.finish(error instanceof Error ? error : new Error(message(error))),
            complete: () => this.finish(),
          }),
          // A failure before the channel is ready is `ready`'s to report (once); the agent must not log it too.
          catchError((error: unknown) => {
            if (!this.isReady) return EMPTY;
            throw error;
          }),
        );
      },
    };
  }

  private markReady(): void {
    if (this.isReady) return;
    this.isReady = true;
    this.resolveReady();
  }

  private finish(error?: Error): void {
    if (!this.isReady) {
      this.rejectReady(error ?? new Error('the channel closed before it was ready'));
      return;
    }
    this.ended?.(error);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
