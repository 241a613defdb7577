import type { Socket } from 'node:net';
import { type Logger } from '@qga/core';
import { nextSessionId } from '@qga/core/internal';
import { SocketSession } from './socket-session.js';

/** The fields every socket transport's options share (each transport's options object fits). */
export interface SessionTrackerOptions {
  readonly logger?: Logger;
  readonly halfOpenTimeoutMs?: number;
}

/** Wraps accepted sockets as sessions and remembers them, so stopping a transport drops its clients. */
export class SessionTracker {
  private readonly live = new Set<SocketSession>();
  private readonly logger: Logger | undefined;
  private readonly halfOpenTimeoutMs: number | undefined;

  constructor(
    private readonly description: string,
    options: SessionTrackerOptions,
  ) {
    this.logger = options.logger;
    this.halfOpenTimeoutMs = options.halfOpenTimeoutMs;
  }

  get size(): number {
    return this.live.size;
  }

  open(socket: Socket, initial?: Uint8Array): SocketSession {
    const id = nextSessionId();
    const label = `${this.description}#${id}`;
    const session = new SocketSession(socket, {
      id,
      label,
      initial,
      ...(this.logger ? { logger: this.logger } : {}),
      ...(this.halfOpenTimeoutMs !== undefined ? { halfOpenTimeoutMs: this.halfOpenTimeoutMs } : {}),
    });
    this.live.add(session);
    socket.once('close', () => {
      this.live.delete(session);
      this.logger?.log('debug', `${label}: disconnected`);
    });
    this.logger?.log('debug', `${label}: connected`);
    return session;
  }

  destroyAll(): void {
    for (const session of this.live) session.destroy();
    this.live.clear();
  }
}
