import { QgaError } from '../protocol/qga-error.js';

/** Anything outside qemu-ga's accepted set (`util/base64.c`): A–Z a–z 0–9 + / = and newline. */
const INVALID = /[^A-Za-z0-9+/=\n]/;
const PADDED_QUAD_TAIL = /^(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)$/;

/**
 * A `base64` argument (arg-spec.ts) that arrived as a big plain JSON string and
 * was not read as text: its token bytes, quotes included, as slices of the
 * input chunks. decodeBase64 decodes it from those bytes; `text()` builds the
 * string if a command needs it after all.
 */
export class RawBase64 {
  constructor(
    /** The JSON string token's bytes, quotes included, in order. */
    readonly parts: readonly Buffer[],
    /** The argument as a string (built on first use). */
    readonly text: () => string,
  ) {}
}

/**
 * Decode base64 exactly as qemu-ga does (strict character check, then
 * GLib's lenient decoder: newlines skipped, an incomplete final quantum
 * dropped, `=` anywhere only trims the quad it ends). Canonical input — the
 * only kind real hosts send — goes through Buffer.from in native code; the
 * JS loop runs only for odd padding.
 */
export function decodeBase64(input: string | RawBase64): Buffer {
  if (input instanceof RawBase64) return decodeCanonicalParts(input.parts) ?? decodeBase64(input.text());
  const text = input;
  // Fast path, no scan of the text in JS: Buffer.from drops characters outside
  // its alphabet and stops at the first '=', so for canonical base64 (length a
  // multiple of 4, '=' only as final padding) a full-length result proves every
  // character was valid. Anything odd comes out shorter and takes the exact
  // path below. Only base64url's '-' and '_', which Node also accepts, need a
  // look of their own.
  const len = text.length;
  if (len % 4 === 0) {
    const pad = len === 0 ? 0 : text.charCodeAt(len - 1) !== 0x3d ? 0 : text.charCodeAt(len - 2) === 0x3d ? 2 : 1;
    const out = Buffer.from(text, 'base64');
    if (out.length === (len / 4) * 3 - pad && !text.includes('-') && !text.includes('_')) return out;
  }
  if (INVALID.test(text)) throw new QgaError('Base64 data contains invalid characters');
  const s = text.includes('\n') ? text.replaceAll('\n', '') : text;
  const full = s.length - (s.length % 4);
  const eq = s.indexOf('=');
  if (eq === -1 || eq >= full) {
    // No padding inside the complete quads: GLib and Node agree on them.
    return Buffer.from(full === s.length ? s : s.slice(0, full), 'base64');
  }
  if (eq >= full - 2 && PADDED_QUAD_TAIL.test(s.slice(full - 4, full))) {
    return Buffer.from(s.slice(0, full), 'base64');
  }
  return decodeBase64Glib(s);
}

const RANK = (() => {
  const table = new Int16Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  table[0x3d] = 0; // '=' counts as a zero digit and marks the quad
  return table;
})();

/** GLib's g_base64_decode algorithm, for input already checked for invalid characters. */
export function decodeBase64Glib(s: string): Buffer {
  const out = Buffer.allocUnsafe(Math.floor((s.length * 3) / 4) + 3);
  let n = 0;
  let v = 0;
  let i = 0;
  let last0 = 0;
  let last1 = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    const rank = c < 128 ? RANK[c]! : -1;
    if (rank < 0) continue;
    last1 = last0;
    last0 = c;
    v = ((v << 6) | rank) >>> 0;
    if (++i === 4) {
      out[n++] = (v >>> 16) & 0xff;
      if (last1 !== 0x3d) out[n++] = (v >>> 8) & 0xff;
      if (last0 !== 0x3d) out[n++] = v & 0xff;
      i = 0;
    }
  }
  return out.subarray(0, n);
}

/**
 * The fast path of decodeBase64 over a string token's bytes (quotes included),
 * slice by slice into one buffer, with no string of the whole: undefined unless
 * the text is canonical base64 (length a multiple of 4, '=' only as final
 * padding, nothing outside the alphabet), which the caller then decodes as a
 * string. Node's decoder skips characters outside its alphabet and stops at
 * '=', so a piece of 4k valid characters yields exactly 3k bytes and anything
 * else yields fewer: the total proves validity, as in decodeBase64.
 */
function decodeCanonicalParts(parts: readonly Buffer[]): Buffer | undefined {
  let length = -2;
  for (const part of parts) length += part.length;
  if (length <= 0 || length % 4 !== 0) return undefined;
  const pad = textByteFromEnd(parts, 1) !== 0x3d ? 0 : textByteFromEnd(parts, 2) === 0x3d ? 2 : 1;
  const out = Buffer.allocUnsafe((length / 4) * 3);
  let n = 0;
  let carry = '';
  const last = parts.length - 1;
  for (let k = 0; k <= last; k++) {
    const part = parts[k]!;
    const from = k === 0 ? 1 : 0;
    const to = k === last ? part.length - 1 : part.length;
    if (to <= from) continue;
    let piece = part.toString('latin1', from, to);
    if (carry !== '') piece = carry + piece;
    const whole = piece.length - (piece.length % 4);
    carry = piece.slice(whole);
    if (whole === 0) continue;
    if (whole !== piece.length) piece = piece.slice(0, whole);
    if (piece.includes('-') || piece.includes('_')) return undefined;
    n += out.write(piece, n, 'base64');
  }
  return n === out.length - pad ? out.subarray(0, n) : undefined;
}

/** The i-th byte from the end of the text (1 = last) of a string token's bytes, whose last byte is the closing quote. */
function textByteFromEnd(parts: readonly Buffer[], i: number): number {
  let skip = i + 1; // past the closing quote
  for (let k = parts.length - 1; k >= 0; k--) {
    const part = parts[k]!;
    if (skip <= part.length) return part[part.length - skip]!;
    skip -= part.length;
  }
  return -1;
}
