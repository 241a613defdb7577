import { concatMap, from, of, EMPTY, type Observable, type Subscription } from 'rxjs';
import { decodeJsonStream } from '../protocol/json-stream-decoder.js';
import { encodeReply } from '../protocol/json-encoder.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { Reply } from '../dispatch/reply.js';
import type { TransportSession } from '../ports/transport.port.js';
import type { Logger } from '../ports/logger.port.js';

function asObservable<T>(value: T | Promise<T>): Observable<T> {
  return value instanceof Promise ? from(value) : of(value);
}

/**
 * One session's pipeline: bytes → JSON texts → dispatch → encoded replies.
 * concatMap keeps replies in request order and runs requests one after the
 * other (a guest-file-write must finish before the next read of that file);
 * the write step waits for the transport's backpressure promise.
 * Each session gets its own decoder: a new connection never inherits a
 * previous client's partial request (deliberate deviation from qemu-ga, §1.7).
 */
export function serveSession(session: TransportSession, dispatcher: Dispatcher, logger: Logger): Subscription {
  return session.input$
    .pipe(
      decodeJsonStream(),
      concatMap((inbound) => asObservable(dispatcher.dispatch(inbound, session.id))),
      concatMap((reply: Reply | null) => {
        if (reply === null) return EMPTY;
        const written = session.write(encodeReply(reply.body, reply.delimited));
        return written instanceof Promise ? from(written) : EMPTY;
      }),
    )
    .subscribe({
      // Every reply to a host that half-closed has been written: hang up.
      complete: () => session.close(),
      error: (e: unknown) => {
        logger.log('error', `session ${session.id} failed: ${e instanceof Error ? e.message : String(e)}`);
        session.close();
      },
    });
}
