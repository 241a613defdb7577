import type { Logger, Transport } from '@qga/core';
import { vsockPeer, type AcceptHandler, type StreamListener } from '@qga/native-linux';
import { socketTransport } from './socket-transport.js';

export interface NativeListenTransportOptions {
  readonly description: string;
  readonly maxClients: number;
  readonly logger?: Logger;
  readonly halfOpenTimeoutMs?: number;
  /** Bind and listen (throws the kernel's errno errors), delivering accepted connections. */
  readonly listen: (onAccept: AcceptHandler) => StreamListener;
  readonly onListening?: () => void;
}

/**
 * Sessions from a listener the native layer created (socket + bind through
 * libc; listen, accept and all I/O by libuv on the event loop): every
 * connection is an ordinary net.Socket, with its backpressure.
 */
export function nativeListenTransport(options: NativeListenTransportOptions): Transport {
  const { description, logger, maxClients } = options;
  return socketTransport(description, options, (tracker, subscriber, listening) => {
    let listener: StreamListener;
    try {
      listener = options.listen((socket, error) => {
        if (socket === undefined) {
          logger?.log('error', `${description}: accept failed: ${error?.code ?? 'unknown error'}`);
          return;
        }
        const peer = vsockPeer(socket) ?? 'a client';
        if (tracker.size >= maxClients) {
          logger?.log('warning', `${description}: ${maxClients} clients connected, refusing ${peer}`);
          socket.destroy();
          return;
        }
        socket.pause();
        logger?.log('debug', `${description}: connection from ${peer}`);
        subscriber.next(tracker.open(socket));
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      // `vsock-listen:-1:5: bind EADDRINUSE (...)`; a missing native layer explains itself.
      const text = e.syscall === undefined ? e.message : `${e.syscall} ${e.code ?? ''} (${e.message})`;
      subscriber.error(Object.assign(new Error(`${description}: ${text}`), { code: e.code, errno: e.errno, syscall: e.syscall }));
      return undefined;
    }
    logger?.log('info', `${description}: listening`);
    listening();
    options.onListening?.();
    return () => listener.close();
  });
}
