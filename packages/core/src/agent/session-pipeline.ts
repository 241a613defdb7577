import type { Subscription } from 'rxjs';
import { decodeJsonStream } from '../protocol/json-stream-decoder.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { TransportSession } from '../ports/transport.port.js';
import type { Logger } from '../ports/logger.port.js';
import { sequentially } from './sequentially.js';
import { writeReplies } from './reply-writer.js';

/**
 * One session's pipeline: bytes → JSON texts → dispatch → encoded replies.
 * Requests run one after the other (a guest-file-write must finish before the
 * next read of that file) and replies leave in request order; the write stage
 * honours the transport's backpressure.
 * Each session gets its own decoder: a new connection never inherits a
 * previous client's partial request (deliberate deviation from qemu-ga, §1.7).
 */
export function serveSession(session: TransportSession, dispatcher: Dispatcher, logger: Logger): Subscription {
  return session.input$
    .pipe(
      decodeJsonStream(),
      sequentially((inbound) => dispatcher.dispatch(inbound, session.id)),
      writeReplies(session),
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
