import { readFileSync } from 'node:fs';
import type { Logger, Transport } from '@qga/core';
import { tcpListenTransport, unixListenTransport, vsockListenTransport, parseVsockAddress } from '@qga/transport-tcp';
import { isaSerialTransport, virtioSerialTransport } from '@qga/transport-virtio';
import type { AgentSettings } from '../config/agent-settings.js';
import { splitHostPort } from '../config/resolve-settings.js';

export interface SelectedTransport {
  readonly transport: Transport;
  /** The transport calls `onListening` once it is open (else the supervisor waits a moment for errors). */
  readonly hasReadySignal: boolean;
  /** The transport re-opens by itself (virtio/isa with -r); otherwise the supervisor re-creates it. */
  readonly retriesItself: boolean;
}

type TransportSettings = Pick<
  AgentSettings,
  'method' | 'path' | 'retryPath' | 'maxClients' | 'tlsCert' | 'tlsKey' | 'tlsCa' | 'sharedSecretFile' | 'allowRemote'
>;

/**
 * `-m`/`-p` (and our tcp options) → the Transport. Rejects with a printable message.
 * Async only to import the Windows device I/O (and the Windows backend's modules) on Windows alone.
 */
export async function selectTransport(
  settings: TransportSettings,
  logger: Logger,
  onListening: () => void,
  platform: NodeJS.Platform = process.platform,
): Promise<SelectedTransport> {
  // Windows: the port (or COMn, or a named pipe) through CreateFileW + overlapped I/O.
  const windows = platform === 'win32';
  const win32DeviceIo =
    windows && (settings.method === 'virtio-serial' || settings.method === 'isa-serial')
      ? (await import('@qga/backend-windows')).win32DeviceIo
      : undefined;
  const maxClients = settings.maxClients !== undefined ? { maxClients: settings.maxClients } : {};
  switch (settings.method) {
    case 'virtio-serial':
      return {
        transport: virtioSerialTransport({
          path: settings.path,
          retry: settings.retryPath,
          logger,
          ...(win32DeviceIo && { io: win32DeviceIo() }),
        }),
        hasReadySignal: false,
        retriesItself: true,
      };
    case 'isa-serial':
      return {
        transport: win32DeviceIo
          ? isaSerialTransport({
              path: comPortPath(settings.path),
              retry: settings.retryPath,
              logger,
              io: win32DeviceIo({ comPort: true }),
            })
          : isaSerialTransport({ path: settings.path, retry: settings.retryPath, logger }),
        hasReadySignal: false,
        retriesItself: true,
      };
    case 'unix-listen':
      return {
        transport: unixListenTransport({ path: settings.path, logger, onListening, ...maxClients }),
        hasReadySignal: true,
        retriesItself: false,
      };
    case 'vsock-listen': {
      const { cid, port } = parseVsockAddress(settings.path);
      return {
        transport: vsockListenTransport({ cid, port, logger, onListening, ...maxClients }),
        hasReadySignal: true,
        retriesItself: false,
      };
    }
    case 'tcp-listen': {
      const address = splitHostPort(settings.path);
      if (!address) throw new Error(`invalid tcp-listen address '${settings.path}': expected <host>:<port>`);
      const tls =
        settings.tlsCert !== undefined && settings.tlsKey !== undefined && settings.tlsCa !== undefined
          ? {
              tls: {
                cert: readCredential(settings.tlsCert, 'tls-cert'),
                key: readCredential(settings.tlsKey, 'tls-key'),
                ca: readCredential(settings.tlsCa, 'tls-ca'),
              },
            }
          : {};
      const secret =
        settings.sharedSecretFile !== undefined
          ? { sharedSecret: readCredential(settings.sharedSecretFile, 'shared-secret-file').toString('utf8') }
          : {};
      return {
        transport: tcpListenTransport({
          ...(address.host !== '' && { host: address.host }),
          port: address.port,
          allowRemote: settings.allowRemote,
          logger,
          // With port 0 the kernel picks one: say which.
          onListening: (where) => {
            logger.log('info', `tcp-listen: listening on ${where.family === 'IPv6' ? `[${where.address}]` : where.address}:${where.port}`);
            onListening();
          },
          ...maxClients,
          ...tls,
          ...secret,
        }),
        hasReadySignal: true,
        retriesItself: false,
      };
    }
  }
}

function readCredential(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

/** `COM1` → `\\.\COM1` (the form CreateFileW needs for COM10 and above); other paths as given. */
export function comPortPath(path: string): string {
  return /^COM\d+$/i.test(path) ? `\\\\.\\${path}` : path;
}
