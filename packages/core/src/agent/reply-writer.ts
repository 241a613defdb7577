import { Observable, type OperatorFunction } from 'rxjs';
import { encodeReply } from '../protocol/json-encoder.js';
import type { Reply } from '../dispatch/reply.js';
import type { TransportSession } from '../ports/transport.port.js';

/** Replies at most this large are merged into one write with their neighbours. */
const COALESCE_LIMIT = 64 * 1024;

/**
 * The last stage of a session: encodes replies and writes them in order.
 * Replies produced in the same turn of the event loop (a burst of pipelined
 * requests) leave in one write, so a burst costs a few syscalls instead of
 * one per reply; large replies are written on their own, never copied into a
 * bigger buffer. While the transport asks us to wait (backpressure), replies
 * queue here; the transport has stopped reading meanwhile, which bounds them.
 * Completes once the source has completed and everything was written.
 */
export function writeReplies(session: TransportSession): OperatorFunction<Reply | null, never> {
  return (source) =>
    new Observable<never>((subscriber) => {
      let pending: Buffer[] = [];
      let scheduled = false;
      let writing = false;
      let sourceDone = false;

      const finish = (): void => {
        if (sourceDone && !writing && !scheduled && pending.length === 0) subscriber.complete();
      };

      const flush = (): void => {
        scheduled = false;
        while (pending.length > 0 && !subscriber.closed) {
          const batch = takeBatch();
          let written: void | Promise<void>;
          try {
            written = session.write(batch);
          } catch (e) {
            subscriber.error(e);
            return;
          }
          if (written instanceof Promise) {
            writing = true;
            written.then(
              () => {
                writing = false;
                flush();
              },
              (e: unknown) => subscriber.error(e),
            );
            return;
          }
        }
        finish();
      };

      /** Consecutive small replies merged into one buffer, or one large reply alone. */
      const takeBatch = (): Buffer => {
        if (pending[0]!.length > COALESCE_LIMIT || pending.length === 1) return pending.shift()!;
        let count = 0;
        let size = 0;
        while (count < pending.length && pending[count]!.length <= COALESCE_LIMIT && size < COALESCE_LIMIT * 4) {
          size += pending[count]!.length;
          count++;
        }
        const batch = Buffer.concat(pending.slice(0, count), size);
        pending = pending.slice(count);
        return batch;
      };

      const subscription = source.subscribe({
        next: (reply) => {
          if (reply === null) return;
          pending.push(encodeReply(reply.body, reply.delimited));
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
