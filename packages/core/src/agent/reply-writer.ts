import { Observable, type OperatorFunction } from 'rxjs';
import type { EncodedReply } from '../protocol/json-encoder.js';
import type { TransportSession } from '../ports/transport-port.js';
import type { ReplyBacklog } from './reply-backlog.js';

/** Replies at most this large are merged into one write with their neighbours. */
const COALESCE_LIMIT = 64 * 1024;

/**
 * The last stage of a session: writes encoded replies in order.
 * Replies produced in the same turn of the event loop (a burst of pipelined
 * requests) leave in one write, so a burst costs a few syscalls instead of
 * one per reply; large replies are written on their own, never copied into a
 * bigger buffer, and a sliced reply (a big guest-file-read) is produced one
 * slice at a time, each written before the next is built. While the
 * transport asks us to wait (backpressure), replies queue here and count in
 * `backlog`, which stops the session from starting more requests.
 * Completes once the source has completed and everything was written.
 */
export function writeReplies(session: TransportSession, backlog: ReplyBacklog): OperatorFunction<EncodedReply | null, never> {
  return (source) =>
    new Observable<never>((subscriber) => {
      let pending: EncodedReply[] = [];
      /** Slices still to write of the sliced reply at the head of the queue. */
      let slicing: Iterator<Buffer, void, boolean | undefined> | undefined;
      /** What of that reply's size estimate the backlog still counts. */
      let slicingLeft = 0;
      let scheduled = false;
      let writing = false;
      let sourceDone = false;

      const finish = (): void => {
        if (sourceDone && !writing && !scheduled && pending.length === 0 && !slicing) subscriber.complete();
      };

      /** `released`: called when the last write's promise resolved, so its buffer is free for reuse. */
      const flush = (released = false): void => {
        scheduled = false;
        // A flush queued while a write was in flight: that write's completion flushes instead.
        // (Writing now would put a second slice in flight, and the first one's completion
        // would then refill a buffer the transport still holds.)
        if (writing) return;
        while (!subscriber.closed) {
          const batch = next(released);
          released = false;
          if (batch === undefined) break;
          let result: void | Promise<void>;
          try {
            result = session.write(batch);
          } catch (e) {
            subscriber.error(e);
            return;
          }
          if (result instanceof Promise) {
            writing = true;
            result.then(
              () => {
                writing = false;
                written(batch);
                // The transport has handed the bytes to the OS (TransportSession.write).
                flush(true);
              },
              (e: unknown) => subscriber.error(e),
            );
            return;
          }
          written(batch);
        }
        finish();
      };

      /** The next buffer to write: a slice, one large reply, or small replies merged. */
      const next = (released: boolean): Buffer | undefined => {
        for (;;) {
          if (slicing) {
            const r = slicing.next(released);
            if (!r.done) return r.value;
            slicing = undefined;
            backlog.remove(slicingLeft);
            slicingLeft = 0;
          }
          const head = pending[0];
          if (head === undefined) return undefined;
          if (Buffer.isBuffer(head)) return takeBatch();
          pending.shift();
          slicing = head.slices();
          slicingLeft = head.size;
        }
      };

      /** Settle a written buffer against the backlog (a slice only up to its reply's estimate). */
      const written = (batch: Buffer): void => {
        if (!slicing) return backlog.remove(batch.length);
        const n = Math.min(batch.length, slicingLeft);
        slicingLeft -= n;
        backlog.remove(n);
      };

      /** Consecutive small replies merged into one buffer, or one large reply alone. */
      const takeBatch = (): Buffer => {
        const first = pending[0] as Buffer;
        if (first.length > COALESCE_LIMIT || pending.length === 1 || !Buffer.isBuffer(pending[1])) return pending.shift() as Buffer;
        let count = 0;
        let size = 0;
        while (count < pending.length && size < COALESCE_LIMIT * 4) {
          const p = pending[count]!;
          if (!Buffer.isBuffer(p) || p.length > COALESCE_LIMIT) break;
          size += p.length;
          count++;
        }
        const batch = Buffer.concat(pending.slice(0, count) as Buffer[], size);
        pending = pending.slice(count);
        return batch;
      };

      const subscription = source.subscribe({
        next: (reply) => {
          if (reply === null) return;
          pending.push(reply);
          backlog.add(Buffer.isBuffer(reply) ? reply.length : reply.size);
          if (!scheduled && !writing) {
            scheduled = true;
            queueMicrotask(flush);
          }
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => {
          sourceDone = true;
          finish();
        },
      });
      return () => subscription.unsubscribe();
    });
}
