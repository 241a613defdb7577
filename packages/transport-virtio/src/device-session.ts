import { Observable, type Subscriber } from 'rxjs';
import type { TransportSession } from '@qga/core';

/** What a DeviceSession needs from the channel that owns it. */
export interface DeviceSessionOwner {
  write(session: DeviceSession, bytes: Uint8Array): void | Promise<void>;
  closeSession(session: DeviceSession): void;
  /** The session started or stopped wanting input. */
  inputDemandChanged(): void;
}

/**
 * One session on a character device. Bytes read before the agent subscribes
 * are kept (the channel reads at most one chunk ahead), so nothing is lost
 * between "session emitted" and "agent subscribed".
 */
export class DeviceSession implements TransportSession {
  readonly input$: Observable<Uint8Array>;
  private subscriber: Subscriber<Uint8Array> | undefined;
  private readonly early: Uint8Array[] = [];
  private endedFlag = false;
  /** The agent asked for no more input for now (requests pile up). */
  private held = false;

  constructor(
    readonly id: number,
    private readonly owner: DeviceSessionOwner,
  ) {
    this.input$ = new Observable<Uint8Array>((subscriber) => {
      if (this.subscriber) {
        subscriber.error(new Error('a device session supports one input subscriber at a time'));
        return undefined;
      }
      for (const chunk of this.early.splice(0)) subscriber.next(chunk);
      if (this.endedFlag) {
        subscriber.complete();
        return undefined;
      }
      this.subscriber = subscriber;
      this.owner.inputDemandChanged();
      return () => {
        if (this.subscriber === subscriber) this.subscriber = undefined;
        this.owner.inputDemandChanged();
      };
    });
  }

  get ended(): boolean {
    return this.endedFlag;
  }

  /** Ready for another chunk: subscribed, not ended, not paused, nothing held back. */
  get wantsInput(): boolean {
    return this.subscriber !== undefined && !this.endedFlag && !this.held && this.early.length === 0;
  }

  pause(): void {
    this.held = true;
  }

  resume(): void {
    this.held = false;
    this.owner.inputDemandChanged();
  }

  push(chunk: Uint8Array): void {
    if (this.endedFlag) return;
    if (this.subscriber) this.subscriber.next(chunk);
    else this.early.push(chunk);
  }

  end(): void {
    if (this.endedFlag) return;
    this.endedFlag = true;
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    subscriber?.complete();
  }

  write(bytes: Uint8Array): void | Promise<void> {
    return this.owner.write(this, bytes);
  }

  close(): void {
    this.owner.closeSession(this);
  }
}
