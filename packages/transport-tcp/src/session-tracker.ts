import type { Socket } from 'node:net';
import type { Logger } from '@qga/core';
import { nextSessionId } from './next-session-id.js';
import { SocketSession } from './socket-session.js';

export interface SessionTrackerOptions {
  readonly description: string;
  readonly logger?: Logger;
  readonly halfOpenTimeoutMs?: number;
}

/** Wraps accepted sockets as sessions and remembers them, so stopping a transport drops its clients. */
export class SessionTracker {
  private readonly live = new Set<SocketSession>();

  constructor(private readonly options: SessionTrackerOptions) {}

  get size(): number {
    return this.live.size;
  }

  open(socket: Socket, initial?: Uint8Array): SocketSession {
    const id = nextSessionId();
    const label = `${this.options.description}#${id}`;
    const session = new SocketSession(socket, {
      id,
      label,
      initial,
      ...(this.options.logger ? { logger: this.options.logger } : {}),
      ...(this.options.halfOpenTimeoutMs !== undefined ? { halfOpenTimeoutMs: this.options.halfOpenTimeoutMs } : {}),
    });
    this.live.add(session);
    socket.once('close', () => {
      this.live.delete(session);
      this.options.logger?.log('debug', `${label}: disconnected`);
    });
    this.options.logger?.log('debug', `${label}: connected`);
    return session;
  }

  destroyAll(): void {
    for (const session of this.live) session.destroy();
    this.live.clear();
  }
}
