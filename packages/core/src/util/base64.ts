import { QgaError } from '../protocol/qga-error.js';

/** Anything outside qemu-ga's accepted set (`util/base64.c`): A–Z a–z 0–9 + / = and newline. */
const INVALID = /[^A-Za-z0-9+/=\n]/;
const PADDED_QUAD_TAIL = /^(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)$/;

/**
 * Decode base64 exactly as qemu-ga does (strict character check, then
 * GLib's lenient decoder: newlines skipped, an incomplete final quantum
 * dropped, `=` anywhere only trims the quad it ends). Canonical input — the
 * only kind real hosts send — goes through Buffer.from in native code; the
 * JS loop runs only for odd padding.
 */
export function decodeBase64(text: string): Buffer {
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
