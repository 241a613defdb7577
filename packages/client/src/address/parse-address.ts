import type { QgaAddress } from './qga-address.js';

/**
 * Parses `unix:PATH`, `tcp:HOST:PORT`, `tls:HOST:PORT` (TCP wrapped in TLS),
 * or a bare path (a unix socket, e.g. QEMU's host-side chardev socket).
 * IPv6 hosts are written in brackets: `tcp:[::1]:4444`.
 */
export function parseAddress(text: string): QgaAddress {
  if (text.length === 0) throw new Error('empty address');
  if (text.startsWith('unix:')) {
    const path = text.slice(5);
    if (path.length === 0) throw new Error(`invalid address '${text}': empty path`);
    return { kind: 'unix', path };
  }
  for (const scheme of ['tcp', 'tls'] as const) {
    if (text.startsWith(`${scheme}:`)) {
      const { host, port } = parseHostPort(text.slice(scheme.length + 1), text);
      return { kind: 'tcp', host, port, tls: scheme === 'tls' };
    }
  }
  if (/^(vsock|vsock-listen|virtio-serial|isa-serial):/.test(text)) {
    throw new Error(`unsupported address '${text}': use the host-side chardev socket (unix:PATH) or tcp:HOST:PORT`);
  }
  return { kind: 'unix', path: text };
}

function parseHostPort(rest: string, whole: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(rest);
  if (!m) throw new Error(`invalid address '${whole}': expected HOST:PORT`);
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new Error(`invalid address '${whole}': port out of range`);
  return { host: (m[1] ?? m[2]) as string, port };
}

/** Renders an address back in the form parseAddress accepts. */
export function formatAddress(address: QgaAddress): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `${address.tls ? 'tls' : 'tcp'}:${host}:${address.port}`;
}
