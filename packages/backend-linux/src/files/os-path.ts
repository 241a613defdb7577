/**
 * A path from the wire as the kernel must see it. qemu-ga keeps strings in
 * modified UTF-8, where U+0000 is the two bytes C0 80, so a path holding
 * \u0000 names a file with those bytes (normally: no such file), never a
 * shorter path cut at the NUL. Node refuses NUL in string paths; a Buffer
 * carries the exact bytes.
 */
export function osPath(path: string): string | Buffer {
  if (!path.includes('\0')) return path;
  const parts = path.split('\0').map((p) => Buffer.from(p, 'utf8'));
  const nul = Buffer.of(0xc0, 0x80);
  return Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [nul, p])));
}
