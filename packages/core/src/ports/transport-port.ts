import type { Observable } from 'rxjs';

/** One conversation with a host: a client connection, or a serial port's lifetime. */
export interface TransportSession {
  readonly id: number;
  /**
   * Bytes from the host; completes when the host side goes away for good. A chunk
   * must not be changed once emitted: the parser keeps views of big strings in it
   * until their request is done (a base64 argument is decoded straight from them).
   */
  readonly input$: Observable<Uint8Array>;
  /**
   * Send bytes. A returned promise resolves once the bytes were handed to the
   * OS; the agent waits for it before writing more (backpressure). After it
   * resolves the session holds no reference to `bytes`: the agent fills the
   * same buffer again for the next slice of a large reply.
   */
  write(bytes: Uint8Array): void | Promise<void>;
  /** Drop the connection (no-op for devices that cannot be closed). */
  close(): void;
  /**
   * Stop delivering input until resume(): the agent calls it while requests
   * it has not started yet pile up, so a host that floods requests is held
   * back by its own buffers. Transports without it are read as fast as bytes come.
   */
  pause?(): void;
  /** Deliver input again after pause(). */
  resume?(): void;
}

/** What a transport tells the agent besides sessions. */
export interface TransportEvents {
  /** Listening now (the socket is bound): hosts can connect. */
  listening?(): void;
}

/** How hosts reach the agent: subscribing starts listening, unsubscribing stops. */
export interface Transport {
  /** For logs, e.g. `unix-listen:/run/qga.sock`. */
  readonly description: string;
  /**
   * True when sessions() calls `events.listening` once it listens (or errors
   * if it cannot), so Agent.start() can wait for it; otherwise the transport
   * counts as started as soon as it is subscribed.
   */
  readonly announcesListening?: boolean;
  /** The stream of sessions: subscribing starts listening, each host connection is one item. */
  sessions(events?: TransportEvents): Observable<TransportSession>;
}
