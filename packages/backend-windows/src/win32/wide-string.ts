/** A NUL-terminated UTF-16LE string at `offset` of `buf` (at most `maxChars` characters). */
export function readWide(buf: Buffer, offset = 0, maxChars = (buf.length - offset) >> 1): string {
  let end = offset;
  const limit = Math.min(buf.length - 1, offset + maxChars * 2);
  while (end < limit && buf.readUInt16LE(end) !== 0) end += 2;
  return buf.toString('utf16le', offset, end);
}

/** A REG_MULTI_SZ / MULTI_SZ block: strings separated by NUL, ended by an empty one. */
export function readMultiWide(buf: Buffer, byteLength = buf.length): string[] {
  const text = buf.toString('utf16le', 0, byteLength - (byteLength % 2));
  return text
    .split('\0')
    .filter((s, i, all) => s !== '' || i < all.length - 1)
    .filter((s) => s !== '');
}

/** A JS string as a NUL-terminated UTF-16LE buffer. */
export function toWide(text: string): Buffer {
  return Buffer.from(`${text}\0`, 'utf16le');
}
