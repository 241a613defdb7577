/**
 * QEMU's "modified UTF-8" rules (docs/protocol.md#output-encoding, docs/protocol.md#json-dialect), needed twice:
 *  - the parser rejects what they reject (`invalid UTF-8 sequence in string`);
 *  - qemu-ga echoes raw input bytes in `stray '…'` errors and its writer turns
 *    each invalid sequence into one U+FFFD; our descs must read the same.
 *
 * Differences from standard UTF-8 decoding (TextDecoder): the overlong C0 80
 * is U+0000; non-characters (U+FDD0..U+FDEF, U+xxFFFE/U+xxFFFF) are invalid;
 * lead bytes F8..FD start (invalid) 5- and 6-byte sequences; an invalid
 * sequence swallows its lead byte plus the continuation bytes that followed it.
 */

/** Smallest code point each sequence length may encode (index = length - 2). */
const MIN_CODE_POINT = [0x80, 0x800, 0x10000, 0x200000, 0x4000000];

/** Multiplier that packs a sequence length above a code point (which fits in 21 bits). */
const LEN_UNIT = 0x200000;

/**
 * Decodes the sequence starting at `bytes[pos]`; bytes at or after `end` read as 0
 * (a C string's terminator). Returns `cp + len * 0x200000` for a valid code point
 * and `-len` for an invalid sequence, `len` being the bytes consumed (>= 1).
 * Packed into one number so the hot loops allocate nothing.
 */
export function decodeModUtf8(bytes: Uint8Array, pos: number, end: number): number {
  const lead = bytes[pos]!;
  if (lead < 0x80) return lead + LEN_UNIT;
  if (lead >= 0xfe || (lead & 0x40) === 0) return -1; // 0xFE/0xFF, or a stray continuation byte
  let len = 2;
  for (let mask = 0x20; lead & mask; mask >>= 1) len++;
  let cp = lead & ((0x80 >> len) - 1);
  for (let i = 1; i < len; i++) {
    const b = pos + i < end ? bytes[pos + i]! : 0;
    if ((b & 0xc0) !== 0x80) return -i; // truncated: lead + the continuations seen
    cp = cp * 64 + (b & 0x3f); // multiply, not shift: 6-byte forms exceed 31 bits
  }
  if (!isValidCodePoint(cp) || (cp < MIN_CODE_POINT[len - 2]! && !(cp === 0 && len === 2))) {
    return -len;
  }
  return cp + len * LEN_UNIT;
}

/** Code point of a packed valid result of decodeModUtf8. */
export function packedCodePoint(packed: number): number {
  return packed % LEN_UNIT;
}

/** Byte length of a packed result of decodeModUtf8 (valid or not). */
export function packedLength(packed: number): number {
  return packed < 0 ? -packed : Math.floor(packed / LEN_UNIT);
}

/** What QEMU can store: no surrogates, no non-characters, nothing above U+10FFFF. */
export function isValidCodePoint(cp: number): boolean {
  if (cp < 0 || cp > 0x10ffff) return false;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  if (cp >= 0xfdd0 && cp <= 0xfdef) return false;
  return (cp & 0xfffe) !== 0xfffe;
}

/**
 * The text qemu-ga's writer would produce for raw bytes used as a C string:
 * stops at the first NUL, and every invalid sequence becomes U+FFFD.
 */
export function decodeCStringLossy(bytes: Uint8Array): string {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  let out = '';
  let runStart = 0; // ASCII runs are copied in one go
  let pos = 0;
  while (pos < end) {
    if (bytes[pos]! < 0x80) {
      pos++;
      continue;
    }
    if (pos > runStart) out += latin1(bytes, runStart, pos);
    const r = decodeModUtf8(bytes, pos, end);
    out += r < 0 ? '\uFFFD' : String.fromCodePoint(packedCodePoint(r));
    pos += packedLength(r);
    runStart = pos;
  }
  if (end > runStart) out += latin1(bytes, runStart, end);
  return out;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}
