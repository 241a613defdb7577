import { Subject, type Observable } from 'rxjs';
import type { Transport, TransportSession } from '../ports/transport.port.js';

/** The host end of an in-memory connection. */
export interface MemoryClient {
  /** Bytes to the agent (strings are sent as UTF-8; use a Buffer for raw bytes like 0xFF). */
  send(data: string | Uint8Array): void;
  /** Everything the agent wrote so far. */
  received(): Buffer;
  /** Resolves once `n` reply lines (each ending in \n) have arrived; 0xFF bytes stay in place. */
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

  sessions(): Observable<TransportSession> {
    return this.sessions$.asObservable();
  }

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
    return {
      send: (data) => input.next(typeof data === 'string' ? Buffer.from(data, 'utf8') : data),
      received,
      close: () => input.complete(),
      lines: (n, timeoutMs = 5000) =>
        new Promise((resolve, reject) => {
          const check = (): void => {
            const text = received().toString('latin1');
            const parts = text.split('\n');
            if (parts.length - 1 >= n) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(parts.slice(0, n));
            }
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            reject(new Error(`timed out waiting for ${n} lines; got ${JSON.stringify(received().toString('latin1'))}`));
          }, timeoutMs);
          waiters.add(check);
          check();
        }),
    };
  }
}
