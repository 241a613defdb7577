// Public API of @qga/transport-tcp.
export type { UnixListenOptions } from './unix-listen-transport.js';
export type { TcpListenOptions, TlsServerCredentials } from './tcp-listen-transport.js';
export type { VsockListenOptions } from './vsock-listen-transport.js';
export type { VsockAddress } from './vsock-address.js';

export { unixListenTransport } from './unix-listen-transport.js';
export { tcpListenTransport } from './tcp-listen-transport.js';
export { vsockListenTransport } from './vsock-listen-transport.js';
export { parseVsockAddress, VSOCK_CID_ANY } from './vsock-address.js';
export { DEFAULT_MAX_CLIENTS } from './max-clients.js';
export { AUTH_PREFIX, MIN_SECRET_LENGTH } from './shared-secret-auth.js';
