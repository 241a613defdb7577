import type { Server } from 'node:net';
import type { Logger } from '@qga/core';

export interface WatchServerOptions {
  readonly description: string;
  readonly maxClients: number;
  readonly logger: Logger | undefined;
  /** An error before listening: the transport cannot work. */
  readonly onFatal: (err: Error) => void;
}

/**
 * The net.Server policy tcp-listen and unix-listen share: clients past
 * maxClients are refused with a warning; an error before listening
 * (EADDRINUSE, EACCES, ENOENT) is fatal, one afterwards (EMFILE on accept)
 * only logged. Returns the function to call once the server is listening.
 */
export function watchServer(server: Server, options: WatchServerOptions): () => void {
  const { description, maxClients, logger } = options;
  server.maxConnections = maxClients;
  let listening = false;
  server.on('drop', () => logger?.log('warning', `${description}: ${maxClients} clients connected, refusing another`));
  server.on('error', (err) => {
    if (listening) logger?.log('error', `${description}: ${err.message}`);
    else options.onFatal(err);
  });
  return () => {
    listening = true;
    logger?.log('info', `${description}: listening`);
  };
}
