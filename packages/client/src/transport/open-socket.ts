import net from 'node:net';
import tls from 'node:tls';
import type { QgaAddress } from '../address/qga-address.js';
import type { QgaTlsOptions } from './tls-options.js';

export interface OpenSocketOptions {
  /** Give up on this attempt after so long. */
  readonly timeoutMs: number;
  /** Use TLS on a tcp address (also implied by a `tls:` address). */
  readonly tls?: QgaTlsOptions;
  /** Sent as `AUTH <secret>\n` before anything else (the TCP transport's shared secret). */
  readonly sharedSecret?: string;
}

/** Opens one connection (unix socket, TCP or TLS) and sends the AUTH line if configured. */
export function openSocket(address: QgaAddress, options: OpenSocketOptions): Promise<net.Socket> {
  return new Promise<net.Socket>((resolve, reject) => {
    let socket: net.Socket;
    let connectEvent: 'connect' | 'secureConnect' = 'connect';
    if (address.kind === 'unix') {
      socket = net.createConnection({ path: address.path });
    } else if (address.tls || options.tls !== undefined) {
      const t = options.tls ?? {};
      connectEvent = 'secureConnect';
      socket = tls.connect({
        host: address.host,
        port: address.port,
        ...(t.cert !== undefined ? { cert: t.cert } : {}),
        ...(t.key !== undefined ? { key: t.key } : {}),
        ...(t.ca !== undefined ? { ca: t.ca } : {}),
        servername: t.servername ?? (net.isIP(address.host) ? undefined : address.host),
        rejectUnauthorized: t.rejectUnauthorized ?? true,
      });
    } else {
      socket = net.createConnection({ host: address.host, port: address.port });
    }
    const timer = setTimeout(
      () => fail(Object.assign(new Error(`connect timed out after ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      options.timeoutMs,
    );
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.once('error', fail);
    socket.once(connectEvent, () => {
      clearTimeout(timer);
      socket.off('error', fail);
      if (address.kind === 'tcp') socket.setNoDelay(true);
      if (options.sharedSecret !== undefined) {
        if (/[\r\n]/.test(options.sharedSecret)) {
          fail(new Error('shared secret must not contain a newline'));
          return;
        }
        socket.write(`AUTH ${options.sharedSecret}\n`);
      }
      resolve(socket);
    });
  });
}
