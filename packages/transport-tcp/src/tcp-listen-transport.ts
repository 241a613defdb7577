import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createRequire } from 'node:module';
import type * as Tls from 'node:tls';
import type { Logger, Transport } from '@qga/core';
import { isLoopbackHost } from './is-loopback-host.js';
import { DEFAULT_MAX_CLIENTS, validateMaxClients } from './max-clients.js';
import { AUTH_FAILED_REPLY, MIN_SECRET_LENGTH, readAuthLine, secretDigest } from './shared-secret-auth.js';
import { socketTransport } from './socket-transport.js';
import { watchServer } from './watch-server.js';

/** PEM data (not file names) for mutual TLS. */
export interface TlsServerCredentials {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  /** CA that client certificates must chain to; clients without a valid certificate are rejected. */
  readonly ca: string | Buffer;
}

/** Where and how tcpListenTransport listens, and how it authenticates remote hosts. */
export interface TcpListenOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 picks a free port (see onListening). */
  readonly port: number;
  /** Required, together with tls and/or sharedSecret, to listen on anything but loopback. */
  readonly allowRemote?: boolean;
  readonly tls?: TlsServerCredentials;
  /** When set, the first line of every connection must be `AUTH <secret>`. */
  readonly sharedSecret?: string | Uint8Array;
  /** Time a client has to send its auth line (default 10 s). */
  readonly authTimeoutMs?: number;
  readonly maxClients?: number;
  readonly logger?: Logger;
  readonly halfOpenTimeoutMs?: number;
  /** Called once the server is bound, with the address it got. */
  readonly onListening?: (address: AddressInfo) => void;
}

/**
 * node:tls, loaded when a TLS listener is created: evaluating it (with its crypto
 * bindings) costs ~5 ms of every start, which most agents, on a unix socket or a
 * serial port, never need. Synchronous (createRequire), so the transport stays so.
 */
function loadTls(): typeof Tls {
  return createRequire(import.meta.url)('node:tls') as typeof Tls;
}

const AUTH_HINT = 'use --tls-cert/--tls-key/--tls-ca (mutual TLS) or --shared-secret-file';

/**
 * `tcp-listen` (not in qemu-ga): TCP, optionally mutual TLS and/or a shared
 * secret. Loopback only unless explicitly opened up with authentication; the
 * checks run here, so a misconfigured agent fails at startup.
 */
export function tcpListenTransport(options: TcpListenOptions): Transport {
  const host = options.host ?? '127.0.0.1';
  const { port } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`tcp-listen: invalid port ${String(port)}`);
  const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const secret = options.sharedSecret === undefined ? undefined : toBytes(options.sharedSecret);
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`tcp-listen: the shared secret must be at least ${MIN_SECRET_LENGTH} bytes long`);
  }
  if (options.tls && (!options.tls.cert || !options.tls.key || !options.tls.ca)) {
    throw new Error('tcp-listen: TLS needs a certificate, its key and a CA for client certificates');
  }
  const authenticated = options.tls !== undefined || secret !== undefined;
  if (!isLoopbackHost(host)) {
    if (!authenticated) throw new Error(`refusing to listen on ${where} without authentication: ${AUTH_HINT}`);
    if (options.allowRemote !== true) {
      throw new Error(`refusing to listen on ${where}: not a loopback address; pass --allow-remote (allowRemote: true) to opt in`);
    }
  }
  const maxClients = validateMaxClients(options.maxClients ?? DEFAULT_MAX_CLIENTS, 'tcp-listen');
  const expectedDigest = secret === undefined ? undefined : secretDigest(secret);
  const authTimeoutMs = options.authTimeoutMs ?? 10_000;
  const description = `tcp-listen:${where}${options.tls ? '+tls' : ''}`;
  const logger = options.logger;

  return socketTransport(description, options, (tracker, subscriber, listening) => {
    let stopped = false;
    const authenticating = new Set<Socket>();
    const admit = (socket: Socket): void => {
      if (expectedDigest === undefined) {
        subscriber.next(tracker.open(socket));
        return;
      }
      socket.on('error', () => undefined); // a reset during the handshake is not our problem
      authenticating.add(socket);
      void readAuthLine(socket, expectedDigest, authTimeoutMs).then((outcome) => {
        authenticating.delete(socket);
        if (stopped || socket.destroyed) {
          socket.destroy();
        } else if (outcome.ok) {
          subscriber.next(tracker.open(socket, outcome.rest));
        } else {
          logger?.log('warning', `${description}: rejected ${socket.remoteAddress ?? '?'}: ${outcome.reason}`);
          socket.end(AUTH_FAILED_REPLY);
          setTimeout(() => socket.destroy(), 1_000).unref();
        }
      });
    };

    let server: Server;
    if (options.tls) {
      const tlsServer = loadTls().createServer({
        cert: options.tls.cert,
        key: options.tls.key,
        ca: options.tls.ca,
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
        allowHalfOpen: true,
      });
      tlsServer.on('secureConnection', (socket) => {
        socket.pause();
        admit(socket);
      });
      tlsServer.on('tlsClientError', (err, socket) => {
        logger?.log('warning', `${description}: TLS handshake with ${socket.remoteAddress ?? '?'} failed: ${err.message}`);
      });
      server = tlsServer;
    } else {
      server = createNetServer({ allowHalfOpen: true, pauseOnConnect: true }, admit);
    }
    const nowListening = watchServer(server, { description, maxClients, logger, onFatal: (err) => subscriber.error(err) });
    server.listen({ host, port }, () => {
      nowListening();
      listening();
      options.onListening?.(server.address() as AddressInfo);
    });
    return () => {
      stopped = true;
      for (const socket of authenticating) socket.destroy();
      server.close();
    };
  });
}

function toBytes(secret: string | Uint8Array): Buffer {
  // A secret read from a file usually ends with a newline that is not part of it.
  return typeof secret === 'string' ? Buffer.from(secret.replace(/\r?\n$/, ''), 'utf8') : Buffer.from(secret);
}
