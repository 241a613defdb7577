import { Subject, type Observable } from 'rxjs';
import type { Transport, TransportSession } from '../ports/transport-port.js';

/** The host end of an in-memory connection. */
export interface MemoryClient {
  /** Bytes to the agent (strings are sent as UTF-8; use a Buffer for raw bytes like 0xFF). */
  send(data: string | Uint8Array): void;
  /** Everything the agent wrote so far. */
  received(): Buffer;
  /**
   * The next `n` reply lines (each ending in \n, returned without it), waiting
   * for them: lines returned by an earlier call are not returned again, so
   * `send(); lines(1)` in a loop reads one reply per request. `received()`
   * still has everything. 0xFF bytes stay in place (latin1 text).
   */
  lines(n: number, timeoutMs?: number): Promise<string[]>;
  /** The host hangs up. */
  close(): void;
}

/**
 * A Transport whose sessions are in-memory pipes: tests and embedders can
 * drive an agent without sockets. Each `connect()` is a new session.
 */
export class MemoryTransport implements Transport {
  readonly description = 'memory';
  private readonly sessions$ = new Subject<TransportSession>();
  private nextId = 1;

  /** Sessions opened by connect(), in order. */
  sessions(): Observable<TransportSession> {
    return this.sessions$.asObservable();
  }

  /** Open a new session and return the host's end of it. */
  connect(): MemoryClient {
    const input = new Subject<Uint8Array>();
    const chunks: Buffer[] = [];
    const waiters = new Set<() => void>();
    const notify = (): void => waiters.forEach((w) => w());
    const session: TransportSession = {
      id: this.nextId++,
      input$: input.asObservable(),
      write: (bytes) => {
        chunks.push(Buffer.from(bytes));
        notify();
      },
      close: () => input.complete(),
    };
    this.sessions$.next(session);
    const received = (): Buffer => Buffer.concat(chunks);
    let consumed = 0; // reply lines already returned by lines()
    return {
      send: (data) => input.next(typeof data === 'string' ? Buffer.from(data, 'utf8') : data),
      received,
      close: () => input.complete(),
      lines: (n, timeoutMs = 5000) =>
        new Promise((resolve, reject) => {
          const check = (): void => {
            const parts = received().toString('latin1').split('\n').slice(consumed);
            if (parts.length - 1 >= n) {
              waiters.delete(check);
              clearTimeout(timer);
              consumed += n;
              resolve(parts.slice(0, n));
            }
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            reject(
              new Error(`timed out waiting for ${n} more lines after ${consumed}; got ${JSON.stringify(received().toString('latin1'))}`),
            );
          }, timeoutMs);
          waiters.add(check);
          check();
        }),
    };
  }
}
