import type { Subscription } from 'rxjs';
import { decodeJsonStream } from '../protocol/json-stream-decoder.js';
import type { Inbound } from '../protocol/inbound.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { TransportSession } from '../ports/transport-port.js';
import type { Logger } from '../ports/logger-port.js';
import { sequentially } from './sequentially.js';
import { writeReplies } from './reply-writer.js';
import { ReplyBacklog } from './reply-backlog.js';

/** Encoded reply bytes waiting for the host above which a session starts no new request. */
export const REPLY_BACKLOG_LIMIT = 4 * 1024 * 1024;
/** Bytes of received requests not yet started above which a session stops reading. */
export const REQUEST_BACKLOG_LIMIT = 8 * 1024 * 1024;
/** Every queued request weighs at least this much (its parsed form outweighs its bytes). */
const MIN_REQUEST_WEIGHT = 256;

/**
 * One session's pipeline: bytes → JSON texts → dispatch → encoded replies.
 * Requests run one after the other (a guest-file-write must finish before the
 * next read of that file) and replies leave in request order.
 *
 * Flow control, end to end: no request starts while more than
 * REPLY_BACKLOG_LIMIT bytes of replies wait for the host, and the transport
 * is paused while more than REQUEST_BACKLOG_LIMIT bytes of requests wait
 * their turn; both resume as the host reads. Memory per session is bounded
 * by the two limits plus the request and the reply in hand.
 * Each session gets its own decoder: a new connection never inherits a
 * previous client's partial request (deliberate deviation from qemu-ga, docs/deviations.md).
 */
export function serveSession(session: TransportSession, dispatcher: Dispatcher, logger: Logger): Subscription {
  const backlog = new ReplyBacklog(REPLY_BACKLOG_LIMIT);
  return session.input$
    .pipe(
      decodeJsonStream(),
      sequentially((inbound: Inbound) => dispatcher.respond(inbound, session.id), {
        gate: backlog,
        weigh: (inbound) => Math.max(MIN_REQUEST_WEIGHT, inbound.kind === 'request' ? (inbound.size ?? 0) : inbound.desc.length),
        highWater: REQUEST_BACKLOG_LIMIT,
        pause: () => session.pause?.(),
        resume: () => session.resume?.(),
      }),
      writeReplies(session, backlog),
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
