import { findUnprintableByte } from './byte-scan.js';
import { formatG17 } from './format-g17.js';
import { qdictOrder } from './qdict-order.js';

/**
 * Serializes a reply the way qemu-ga's JSON writer does (spec §1.1), so our
 * bytes match its bytes:
 * - compact, with ", " between members and ": " after keys;
 * - pure ASCII: code points below 0x20 or from 0x7F up as \uXXXX (upper-case
 *   hex), astral ones as surrogate pairs, short escapes for " \ \b \f \n \r \t,
 *   "/" unescaped; what qemu-ga cannot hold (lone surrogates, non-characters)
 *   becomes \uFFFD, as invalid UTF-8 does there;
 * - bigint in decimal; number as C's %.17g (so integers below 1e17 print plainly);
 * - object members in QDict hash order; members whose value is undefined are left out.
 *
 * Accepts JsonValue as well as plain result objects built by commands.
 */
export function encodeJson(value: unknown): string {
  const w = new JsonWriter(Infinity);
  w.value(value);
  return w.text();
}

/** One reply on the wire: an optional 0xFF (after guest-sync-delimited), the JSON, "\n". */
export function encodeReply(value: unknown, delimited: boolean): Buffer {
  // Large strings (a guest-file-read of up to 48 MiB) stay out of the JSON text:
  // they are checked after being written into the output, not before.
  const w = new JsonWriter(LARGE_STRING);
  w.value(value);
  const head = delimited ? 1 : 0;
  const out = w.toBuffer(head, 1);
  if (out === null) return encodeReplySlow(value, delimited);
  if (delimited) out[0] = 0xff;
  out[out.length - 1] = 0x0a;
  return out;
}

/** The fallback when a large string turned out to need escaping. */
function encodeReplySlow(value: unknown, delimited: boolean): Buffer {
  const json = encodeJson(value);
  const head = delimited ? 1 : 0;
  const out = Buffer.allocUnsafe(head + json.length + 1);
  if (delimited) out[0] = 0xff;
  out.write(json, head, 'latin1'); // pure ASCII: latin1 writes it byte for byte
  out[head + json.length] = 0x0a;
  return out;
}

/** Strings at least this long are written by encodeReply without a RegExp pre-check. */
const LARGE_STRING = 64 * 1024;

/**
 * Builds the JSON text as segments: runs of encoded text, and (for encodeReply)
 * large strings kept apart, unquoted and unchecked, so nothing copies them
 * until they are written into the output buffer.
 */
class JsonWriter {
  private cur = '';
  private readonly segments: string[] = [];
  /** Whether segments[i] is a large raw string (odd positions when present). */
  private readonly large: boolean[] = [];

  constructor(private readonly largeString: number) {}

  value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        this.string(v);
        return;
      case 'bigint':
        this.cur += v.toString();
        return;
      case 'number':
        // -0 prints as 0: commands use numbers for integers (e.g. a zero UTC offset).
        this.cur += Number.isSafeInteger(v) ? String(v === 0 ? 0 : v) : formatG17(v);
        return;
      case 'boolean':
        this.cur += v ? 'true' : 'false';
        return;
      case 'object':
        if (v === null) this.cur += 'null';
        else if (Array.isArray(v)) this.array(v);
        else this.object(v as Record<string, unknown>);
        return;
      default:
        throw new TypeError(`encodeJson: cannot encode a value of type ${typeof v}`);
    }
  }

  private array(list: readonly unknown[]): void {
    this.cur += '[';
    for (let i = 0; i < list.length; i++) {
      if (i > 0) this.cur += ', ';
      const item = list[i];
      if (item === undefined) this.cur += 'null';
      else this.value(item);
    }
    this.cur += ']';
  }

  private object(obj: Record<string, unknown>): void {
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
    this.cur += '{';
    let first = true;
    for (const k of keys.length > 1 ? qdictOrder(keys) : keys) {
      if (!first) this.cur += ', ';
      first = false;
      this.cur += quoteString(k);
      this.cur += ': ';
      this.value(obj[k]);
    }
    this.cur += '}';
  }

  private string(s: string): void {
    if (s.length < this.largeString) {
      this.cur += quoteString(s);
      return;
    }
    this.cur += '"';
    this.segments.push(this.cur);
    this.large.push(false);
    this.segments.push(s);
    this.large.push(true);
    this.cur = '"';
  }

  text(): string {
    return this.segments.join('') + this.cur;
  }

  /**
   * The JSON written into a new buffer with `head` bytes free before and `tail`
   * after it; null if a large string needs escaping after all.
   */
  toBuffer(head: number, tail: number): Buffer | null {
    this.segments.push(this.cur);
    this.large.push(false);
    let size = head + tail;
    for (const s of this.segments) size += s.length;
    const out = Buffer.allocUnsafe(size);
    let off = head;
    for (let i = 0; i < this.segments.length; i++) {
      const s = this.segments[i]!;
      // Encoded text is ASCII; a large string is written as ASCII only if it is ASCII.
      if (this.large[i] && Buffer.byteLength(s, 'utf8') !== s.length) return null;
      out.write(s, off, 'latin1');
      if (this.large[i] && !isPlainAscii(out, off, off + s.length)) return null;
      off += s.length;
    }
    return out;
  }
}

/** Bytes that are printable ASCII other than `"` and `\`. */
function isPlainAscii(buf: Buffer, from: number, to: number): boolean {
  const region = buf.subarray(from, to);
  return region.indexOf(0x22) < 0 && region.indexOf(0x5c) < 0 && findUnprintableByte(buf, from, to) === to;
}

/** Printable ASCII other than " and \: such strings go out as they are. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
};

function quoteString(s: string): string {
  // The common case (names, paths, base64) needs no per-character work.
  if (PLAIN.test(s)) return `"${s}"`;
  let out = '"';
  let run = 0; // start of the pending run of characters that need no escaping
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) continue;
    if (i > run) out += s.slice(run, i);
    const short = SHORT_ESCAPES[c];
    if (short !== undefined) {
      out += short;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      const cp = s.codePointAt(i)!;
      out += isNonCharacter(cp) ? '\\uFFFD' : `${hex4(c)}${hex4(s.charCodeAt(i + 1))}`;
      i++;
    } else if ((c >= 0xd800 && c <= 0xdfff) || isNonCharacter(c)) {
      out += '\\uFFFD';
    } else {
      out += hex4(c);
    }
    run = i + 1;
  }
  if (run < s.length) out += s.slice(run);
  return `${out}"`;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** U+FDD0..U+FDEF and the last two code points of every plane: qemu-ga treats them as invalid. */
function isNonCharacter(cp: number): boolean {
  return (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe;
}

function hex4(c: number): string {
  return `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
}
