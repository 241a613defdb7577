/** AF_INET and AF_INET6 as Windows numbers them. */
export const AF_INET = 2;
export const AF_INET6 = 23;

export interface SocketAddress {
  readonly family: 4 | 6;
  readonly address: string;
}

/** Compressed IPv6 text (RFC 5952: longest zero run, first on ties, lower case). */
export function formatIpv6(bytes: Buffer): string {
  const words = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  let bestAt = -1,
    bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}

/** A sockaddr_in / sockaddr_in6 at `offset` (SOCKADDR_INET has the same layout), or undefined for other families. */
export function parseSockaddr(buf: Buffer, offset: number): SocketAddress | undefined {
  const family = buf.readUInt16LE(offset);
  if (family === AF_INET) return { family: 4, address: [...buf.subarray(offset + 4, offset + 8)].join('.') };
  if (family === AF_INET6) return { family: 6, address: formatIpv6(buf.subarray(offset + 8, offset + 24)) };
  return undefined;
}

/** A prefix length → dotted IPv4 mask. */
export function ipv4Mask(prefix: number): string {
  const bits = prefix <= 0 ? 0 : (0xffffffff << (32 - Math.min(prefix, 32))) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 0xff).join('.');
}
