import type { Logger, Transport } from '@qga/core';
import { DEFAULT_MAX_CLIENTS, validateMaxClients } from './max-clients.js';
import { nativeRelayTransport } from './native-relay-transport.js';
import { loadVsockAddon } from './vsock-addon.js';
import { VSOCK_CID_ANY, validateVsockAddress } from './vsock-address.js';

export interface VsockListenOptions {
  /** Local CID to bind; default VMADDR_CID_ANY. */
  readonly cid?: number;
  readonly port: number;
  readonly maxClients?: number;
  readonly backlog?: number;
  readonly logger?: Logger;
  readonly halfOpenTimeoutMs?: number;
  readonly onListening?: () => void;
}

/**
 * `-m vsock-listen -p <cid>:<port>`. Needs the native addon (built at install);
 * without it this throws a clear error instead of failing later.
 */
export function vsockListenTransport(options: VsockListenOptions): Transport {
  const { cid, port } = validateVsockAddress({ cid: options.cid ?? VSOCK_CID_ANY, port: options.port });
  const maxClients = validateMaxClients(options.maxClients ?? DEFAULT_MAX_CLIENTS, 'vsock-listen');
  const addon = loadVsockAddon();
  const backlog = options.backlog ?? 16;
  return nativeRelayTransport({
    description: `vsock-listen:${cid === VSOCK_CID_ANY ? '-1' : String(cid)}:${port}`,
    maxClients,
    listen: (onEvent) => addon.listenVsock(cid, port, backlog, onEvent),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.halfOpenTimeoutMs !== undefined ? { halfOpenTimeoutMs: options.halfOpenTimeoutMs } : {}),
    ...(options.onListening ? { onListening: options.onListening } : {}),
  });
}
