import type { Logger, Transport } from '@qga/core';
import { listenVsock } from '@qga/native-linux';
import { DEFAULT_MAX_CLIENTS, validateMaxClients } from './max-clients.js';
import { nativeListenTransport } from './native-listen-transport.js';
import { VSOCK_CID_ANY, validateVsockAddress } from './vsock-address.js';

/** Where vsockListenTransport listens. */
export interface VsockListenOptions {
  /** Local CID to bind; default VMADDR_CID_ANY. */
  readonly cid?: number;
  readonly port: number;
  readonly maxClients?: number;
  readonly backlog?: number;
  readonly logger?: Logger;
  readonly halfOpenTimeoutMs?: number;
  /** Called once the socket is bound and listening. */
  readonly onListening?: () => void;
}

/**
 * `-m vsock-listen -p <cid>:<port>`: an AF_VSOCK socket made through the
 * native layer (koffi's prebuilt FFI: nothing compiled on the guest).
 * Without the native layer, subscribing fails with a clear error.
 */
export function vsockListenTransport(options: VsockListenOptions): Transport {
  const { cid, port } = validateVsockAddress({ cid: options.cid ?? VSOCK_CID_ANY, port: options.port });
  const maxClients = validateMaxClients(options.maxClients ?? DEFAULT_MAX_CLIENTS, 'vsock-listen');
  const backlog = options.backlog ?? 16;
  return nativeListenTransport({
    description: `vsock-listen:${cid === VSOCK_CID_ANY ? '-1' : String(cid)}:${port}`,
    maxClients,
    listen: (onAccept) => listenVsock(cid, port, backlog, onAccept),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.halfOpenTimeoutMs !== undefined ? { halfOpenTimeoutMs: options.halfOpenTimeoutMs } : {}),
    ...(options.onListening ? { onListening: options.onListening } : {}),
  });
}
