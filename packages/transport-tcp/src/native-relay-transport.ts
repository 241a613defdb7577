import { Socket } from 'node:net';
import type { Logger, Transport } from '@qga/core';
import { socketTransport } from './socket-transport.js';
import { errnoName, toSystemError, type NativeListenEvent, type NativeListener } from './vsock-addon.js';

export interface NativeRelayTransportOptions {
  readonly description: string;
  readonly maxClients: number;
  readonly logger?: Logger;
  readonly halfOpenTimeoutMs?: number;
  /** Bind and listen (throws the addon's errno errors), delivering connections to onEvent. */
  readonly listen: (onEvent: NativeListenEvent) => NativeListener;
  readonly onListening?: () => void;
}

/**
 * Sessions from the native addon's listener: every connection arrives as the
 * fd of a unix socket relayed to the real (vsock) connection, which Node can
 * wrap in a net.Socket like any other.
 */
export function nativeRelayTransport(options: NativeRelayTransportOptions): Transport {
  const { description, logger, maxClients } = options;
  return socketTransport(description, options, (tracker, subscriber, listening) => {
    let listener: NativeListener;
    try {
      listener = options.listen((fd, peer) => {
        if (fd < 0) {
          logger?.log('error', `${description}: accept failed: ${errnoName(Number(peer))}`);
          return;
        }
        const socket = new Socket({ fd, readable: true, writable: true, allowHalfOpen: true });
        if (tracker.size >= maxClients) {
          logger?.log('warning', `${description}: ${maxClients} clients connected, refusing ${String(peer)}`);
          socket.destroy();
          return;
        }
        socket.pause();
        logger?.log('debug', `${description}: connection from ${String(peer)}`);
        subscriber.next(tracker.open(socket));
      });
    } catch (err) {
      subscriber.error(toSystemError(err, description));
      return undefined;
    }
    logger?.log('info', `${description}: listening`);
    listening();
    options.onListening?.();
    return () => listener.close();
  });
}
