/**
 * Undo the kernel's escaping in /proc mount tables: `\ooo` (first digit 0-3)
 * is one byte in octal, `\\` is a backslash, anything else stays as it is.
 * Works on bytes so escaped non-ASCII names decode to proper UTF-8.
 */
export function decodeMountName(raw: string): string {
  if (!raw.includes('\\')) return raw;
  const src = Buffer.from(raw, 'utf8');
  const out = Buffer.alloc(src.length);
  let j = 0;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch !== 0x5c) {
      out[j++] = ch;
    } else if (src[i + 1] === 0x5c) {
      out[j++] = 0x5c;
      i++;
    } else if (isOct(src[i + 1], 0x33) && isOct(src[i + 2], 0x37) && isOct(src[i + 3], 0x37)) {
      out[j++] = (src[i + 1]! - 0x30) * 64 + (src[i + 2]! - 0x30) * 8 + (src[i + 3]! - 0x30);
      i += 3;
    } else {
      out[j++] = ch;
    }
  }
  return out.subarray(0, j).toString('utf8');
}

function isOct(b: number | undefined, max: number): boolean {
  return b !== undefined && b >= 0x30 && b <= max;
}
