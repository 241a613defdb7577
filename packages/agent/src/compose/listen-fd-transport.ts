import { createServer, type Socket } from 'node:net';
import { Observable } from 'rxjs';
import type { Logger, Transport, TransportSession } from '@qga/core';

let nextId = 1;

/**
 * Serve a listening socket inherited from systemd (socket activation). The
 * transports of @qga/transport-tcp take a path or address, not a descriptor,
 * so this small one lives here: one session per client, as theirs.
 */
export function listenFdTransport(options: { fd: number; where: string; logger: Logger; onListening: () => void }): Transport {
  const description = `socket-activation:fd${options.fd}:${options.where}`;
  return {
    description,
    sessions: () =>
      new Observable<TransportSession>((subscriber) => {
        const sockets = new Set<Socket>();
        const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', (e) => options.logger.log('warning', `${description}: ${e.message}`));
          subscriber.next(socketSession(socket));
        });
        let listening = false;
        server.on('error', (e) => (listening ? options.logger.log('error', `${description}: ${e.message}`) : subscriber.error(e)));
        server.listen({ fd: options.fd }, () => {
          listening = true;
          options.onListening();
        });
        return () => {
          for (const socket of sockets) socket.destroy();
          server.close();
        };
      }),
  };
}

function socketSession(socket: Socket): TransportSession {
  return {
    id: nextId++,
    input$: new Observable<Uint8Array>((sub) => {
      const done = (): void => sub.complete();
      socket.on('data', (chunk: Buffer) => sub.next(chunk));
      socket.once('end', done);
      socket.once('close', done);
      socket.resume();
      return () => {
        socket.off('end', done);
        socket.off('close', done);
        socket.removeAllListeners('data');
      };
    }),
    write: (bytes) =>
      new Promise<void>((resolve) => {
        if (socket.destroyed || !socket.writable) return resolve();
        socket.write(bytes, () => resolve());
      }),
    close: () => socket.destroy(),
  };
}
