import { Base64Bytes } from './base64-bytes.js';
import { ioBuffers } from '../util/buffer-pool.js';
import { formatG17 } from './format-g17.js';
import { qdictOrder } from './qdict-order.js';

/**
 * Serializes a reply the way qemu-ga's JSON writer does (docs/protocol.md#output-encoding), so our
 * bytes match its bytes:
 * - compact, with ", " between members and ": " after keys;
 * - pure ASCII: code points below 0x20 or from 0x7F up as \uXXXX (upper-case
 *   hex), astral ones as surrogate pairs, short escapes for " \ \b \f \n \r \t,
 *   "/" unescaped; what qemu-ga cannot hold (lone surrogates, non-characters)
 *   becomes \uFFFD, as invalid UTF-8 does there;
 * - bigint in decimal; number as C's %.17g (so integers below 1e17 print plainly);
 * - object members in QDict hash order; members whose value is undefined are left out;
 * - Base64Bytes as the base64 string of its bytes.
 *
 * Accepts JsonValue as well as plain result objects built by commands. Throws
 * a TypeError for what JSON cannot carry (functions, symbols, nesting deeper
 * than MAX_ENCODE_DEPTH, which is how a cycle shows).
 */
export function encodeJson(value: unknown): string {
  const w = new JsonWriter(Infinity);
  w.value(value, 0);
  return w.text();
}

/**
 * One reply on the wire: an optional 0xFF (after guest-sync-delimited), the
 * JSON, "\n". Small replies come back as one Buffer; a reply carrying a large
 * string or Base64Bytes comes back as a SlicedReply whose bytes are produced
 * slice by slice as the writer asks for them.
 */
export function encodeReply(value: unknown, delimited: boolean): EncodedReply {
  const w = new JsonWriter(LARGE_STRING);
  w.value(value, 0);
  const parts = w.parts();
  if (parts.length === 1) {
    const json = parts[0] as string;
    const head = delimited ? 1 : 0;
    const out = Buffer.allocUnsafe(head + json.length + 1);
    if (delimited) out[0] = 0xff;
    out.write(json, head, 'latin1'); // pure ASCII: latin1 writes it byte for byte
    out[head + json.length] = 0x0a;
    return out;
  }
  return new SlicedReply(parts, delimited);
}

/** The encoded form of one reply: its bytes, or a producer of them. */
export type EncodedReply = Buffer | SlicedReply;

/** Replies at least this large are kept as slices (a 1 MiB slice holds 768 KiB of base64 data). */
export const REPLY_SLICE = 1024 * 1024;
/**
 * Raw bytes base64-encoded at a time (a multiple of 3). The 64 KiB strings this
 * makes are short-lived young-generation objects, gone at the next scavenge;
 * a megabyte string is allocated outside the heap and waits for a full GC
 * (64 MiB read in 1 MiB slices: RSS +70 MB against +0; BENCHMARKS.md round 4).
 */
const BASE64_PIECE = 48 * 1024;
/** UTF-16 units of a large string escaped at a time. */
const STRING_SLICE = 256 * 1024;

/**
 * A reply too large to build in one buffer. `size` is its length on the wire
 * (for a large string that needs escaping, a lower bound); `slices()` yields
 * buffers of REPLY_SLICE bytes (the last one shorter), built only when asked.
 */
export class SlicedReply {
  readonly size: number;

  constructor(
    private readonly parts: readonly Part[],
    private readonly delimited: boolean,
  ) {
    let size = (delimited ? 1 : 0) + 1;
    for (const p of parts) size += typeof p === 'string' ? p.length : p instanceof Base64Bytes ? p.encodedLength : p.text.length;
    this.size = size;
  }

  /**
   * The slices in order. The caller passes `true` to next() when the slice it
   * got before is no longer referenced (its write completed): that buffer is
   * then filled again instead of a new one, and the last goes back to the pool.
   */
  *slices(): Generator<Buffer, void, boolean | undefined> {
    let out = ioBuffers.take(Math.min(this.size, REPLY_SLICE));
    let off = 0;
    const full = function* (): Generator<Buffer, void, boolean | undefined> {
      const released = yield out;
      out = released === true && out.length === REPLY_SLICE ? out : ioBuffers.take(REPLY_SLICE);
      off = 0;
    };
    if (this.delimited) out[off++] = 0xff;
    for (const p of this.parts) {
      if (p instanceof Base64Bytes) {
        // Encoded straight into the slice, a multiple of 3 bytes at a time so the pieces join up.
        const bytes = p.bytes;
        for (let i = 0; i < bytes.length;) {
          const room = out.length - off;
          if (room < 4) {
            // A 4-character group split across two slices keeps every slice full.
            const quad = bytes.toString('base64', i, i + 3);
            off += out.write(quad, off, room, 'latin1');
            yield* full();
            off += out.write(quad.slice(room), off, 'latin1');
            i += 3;
            continue;
          }
          const end = Math.min(bytes.length, i + Math.min(BASE64_PIECE, Math.floor(room / 4) * 3));
          off += out.write(bytes.toString('base64', i, end), off, 'latin1');
          i = end;
          if (off === out.length && i < bytes.length) yield* full();
        }
        p.encoded();
        continue;
      }
      for (let piece of typeof p === 'string' ? [p] : escapedPieces(p.text)) {
        while (piece.length > 0) {
          const n = out.write(piece, off, 'latin1');
          off += n;
          piece = n < piece.length ? piece.slice(n) : '';
          if (off === out.length) yield* full();
        }
      }
    }
    if (off === out.length) yield* full();
    out[off++] = 0x0a;
    const released = yield out.subarray(0, off);
    if (released === true) ioBuffers.give(out);
  }
}

/** A large string's JSON escaping, in pieces of bounded size (all ASCII). */
function* escapedPieces(s: string): Generator<string, void, undefined> {
  for (let i = 0; i < s.length;) {
    let end = Math.min(s.length, i + STRING_SLICE);
    // Never split a surrogate pair: it is escaped as one character.
    if (end < s.length && isHighSurrogate(s.charCodeAt(end - 1))) end++;
    yield escapeBody(s.slice(i, end));
    i = end;
  }
}

/** Strings at least this long are kept out of the JSON text by encodeReply. */
const LARGE_STRING = 64 * 1024;
/** Base64Bytes of at least this many bytes are kept out of the JSON text by encodeReply. */
const LARGE_BYTES = (LARGE_STRING / 4) * 3;

/**
 * Deeper results than this are refused. qemu-ga's own results nest a few
 * levels; the limit turns a cyclic object (a plugin's bug) into an error
 * instead of a stack overflow.
 */
export const MAX_ENCODE_DEPTH = 1024;

/** A large string kept apart, escaped slice by slice when written (the quotes are in the text parts). */
interface LargeString {
  readonly text: string;
}
type Part = string | Base64Bytes | LargeString;

/**
 * Builds the JSON text, keeping (for encodeReply) large strings and large
 * Base64Bytes apart as parts of their own, so nothing copies them until they
 * are written out.
 */
class JsonWriter {
  private cur = '';
  private readonly out: Part[] = [];

  constructor(private readonly largeString: number) {}

  value(v: unknown, depth: number): void {
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
        else if (depth >= MAX_ENCODE_DEPTH) throw new TypeError(`encodeJson: nesting deeper than ${MAX_ENCODE_DEPTH} (a cycle?)`);
        else if (Array.isArray(v)) this.array(v, depth + 1);
        else if (v instanceof Base64Bytes) this.bytes(v);
        else this.object(v as Record<string, unknown>, depth + 1);
        return;
      default:
        throw new TypeError(`encodeJson: cannot encode a value of type ${typeof v}`);
    }
  }

  private array(list: readonly unknown[], depth: number): void {
    this.cur += '[';
    for (let i = 0; i < list.length; i++) {
      if (i > 0) this.cur += ', ';
      const item = list[i];
      if (item === undefined) this.cur += 'null';
      else this.value(item, depth);
    }
    this.cur += ']';
  }

  private object(obj: Record<string, unknown>, depth: number): void {
    const keys = Object.keys(obj);
    this.cur += '{';
    let first = true;
    for (const k of keys.length > 1 ? memberOrder(keys) : keys) {
      const v = obj[k];
      if (v === undefined) continue;
      if (!first) this.cur += ', ';
      first = false;
      this.cur += memberPrefix(k);
      this.value(v, depth);
    }
    this.cur += '}';
  }

  private string(s: string): void {
    if (s.length < this.largeString) {
      this.cur += quoteString(s);
      return;
    }
    this.cur += '"';
    this.out.push(this.cur, { text: s });
    this.cur = '"';
  }

  private bytes(b: Base64Bytes): void {
    if (b.bytes.length < LARGE_BYTES || this.largeString === Infinity) {
      this.cur += `"${b.toString()}"`;
      b.encoded();
      return;
    }
    this.cur += '"';
    this.out.push(this.cur, b);
    this.cur = '"';
  }

  text(): string {
    return this.out.join('') + this.cur;
  }

  /** The text runs and large parts, in order (one string when nothing was large). */
  parts(): Part[] {
    this.out.push(this.cur);
    return this.out;
  }
}

/**
 * QDict order of an object's keys, remembered per key list: results of one
 * command have the same few shapes every time, and sorting the keys again
 * was a good part of encoding an inventory reply. Leaving members out
 * (undefined values) does not change the order of the others, so the order
 * of all keys serves every subset.
 */
const orderByShape = new Map<string, { keys: readonly string[]; order: readonly string[] }[]>();
let shapes = 0;
const MAX_SHAPES = 4096;
const MAX_SHAPES_PER_KEY = 16;

function memberOrder(keys: string[]): readonly string[] {
  // Looked up by first key, then compared key by key: property names are internalized strings, so
  // this compares pointers and allocates nothing (joining the keys into one lookup key did both).
  let known = orderByShape.get(keys[0]!);
  if (known !== undefined) {
    for (const shape of known) if (sameKeys(shape.keys, keys)) return shape.order;
  } else {
    known = [];
    orderByShape.set(keys[0]!, known);
  }
  const order = qdictOrder(keys);
  if (known.length >= MAX_SHAPES_PER_KEY) return order; // objects of ever-changing shapes: not worth keeping
  if (shapes >= MAX_SHAPES) {
    orderByShape.clear();
    shapes = 0;
    orderByShape.set(keys[0]!, (known = []));
  }
  known.push({ keys, order });
  shapes++;
  return order;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `"key": ` for a member name, remembered (member names come from a small set). */
const prefixes = new Map<string, string>();

function memberPrefix(key: string): string {
  let p = prefixes.get(key);
  if (p === undefined) {
    p = `${quoteString(key)}: `;
    if (prefixes.size >= MAX_SHAPES) prefixes.clear();
    prefixes.set(key, p);
  }
  return p;
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
  return `"${escapeBody(s)}"`;
}

/** The inside of a JSON string literal for `s`. */
function escapeBody(s: string): string {
  // The common case (names, paths, base64) needs no per-character work.
  if (PLAIN.test(s)) return s;
  let out = '';
  let run = 0; // start of the pending run of characters that need no escaping
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) continue;
    if (i > run) out += s.slice(run, i);
    const short = SHORT_ESCAPES[c];
    if (short !== undefined) {
      out += short;
    } else if (isHighSurrogate(c) && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
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
  return out;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
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
