import { INT64_MIN, type JsonObject, type JsonValue, newJsonObject, UINT64_MAX } from './json-value.js';
import { type JsonToken, TokenType } from './json-token.js';
import { defineLazyString } from './lazy-string.js';
import { decodeCStringLossy, decodeModUtf8, isValidCodePoint, packedCodePoint, packedLength } from './mod-utf8.js';

export type ParseResult = { readonly ok: true; readonly value: JsonValue } | { readonly ok: false; readonly desc: string };

/**
 * Turns the tokens of one message into a JsonValue, or into the exact error
 * qemu-ga reports for it (docs/protocol.md#error-texts, docs/protocol.md#json-dialect): the same grammar, the same checks
 * in the same order, the same details. The first error wins.
 */
export function parseJsonTokens(tokens: readonly JsonToken[]): ParseResult {
  try {
    return { ok: true, value: new Parser(tokens).value() };
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, desc: `JSON parse error, ${e.detail}` };
    throw e;
  }
}

/** Thrown at the first error; not an Error, so no stack trace is captured. */
class ParseFailure {
  readonly detail: string;
  constructor(detail: string) {
    // qemu-ga formats the detail into a 1024-byte buffer: at most 1023 bytes survive.
    // Only `invalid keyword '…'` can be that long, and keywords are ASCII.
    this.detail = detail.length > 1023 ? detail.slice(0, 1023) : detail;
  }
}

/** Object members whose plain string token spans chunks and is at least this long are lazy (lazy-string.ts). */
const LAZY_STRING_BYTES = 64 * 1024;

/** Largest integer text that can still fit in 64 bits ("-9223372036854775808"). */
const MAX_INT64_TEXT = 20;

class Parser {
  private pos = 0;

  constructor(private readonly tokens: readonly JsonToken[]) {}

  private peek(): JsonToken | undefined {
    return this.tokens[this.pos];
  }

  private pop(): JsonToken {
    const t = this.tokens[this.pos++];
    if (t === undefined) throw new ParseFailure('premature EOI');
    return t;
  }

  value(): JsonValue {
    const t = this.peek();
    if (t === undefined) throw new ParseFailure('premature EOI');
    switch (t.type) {
      case TokenType.LCURLY:
        return this.object();
      case TokenType.LSQUARE:
        return this.array();
      case TokenType.STRING:
        this.pos++;
        return t.text ?? (t.plain ? plainString(t.parts!) : parseString(joinParts(t.parts!)));
      case TokenType.INTEGER:
        this.pos++;
        return parseInteger(t.text!);
      case TokenType.FLOAT:
        this.pos++;
        return Number(t.text!);
      case TokenType.KEYWORD:
        this.pos++;
        return parseKeyword(t.text!);
      default:
        throw new ParseFailure('expecting value');
    }
  }

  private object(): JsonObject {
    this.pos++; // the {
    const obj = newJsonObject();
    if (this.peek()?.type === TokenType.RCURLY) {
      this.pos++;
      return obj;
    }
    this.pair(obj);
    for (let t = this.pop(); t.type !== TokenType.RCURLY; t = this.pop()) {
      if (t.type !== TokenType.COMMA) throw new ParseFailure('expected separator in dict');
      this.pair(obj);
    }
    return obj;
  }

  private pair(obj: JsonObject): void {
    if (this.peek() === undefined) throw new ParseFailure('premature EOI');
    // The key is parsed as any value first, so an error inside it comes first.
    const key = this.value();
    if (typeof key !== 'string') throw new ParseFailure('key is not a string in object');
    if (this.pop().type !== TokenType.COLON) throw new ParseFailure('missing : in object pair');
    // (qemu-ga's "Missing value in dict" can never show: a missing value already failed inside value().)
    const t = this.peek();
    if (t !== undefined && t.type === TokenType.STRING && t.plain && t.parts !== null && t.length >= LAZY_STRING_BYTES) {
      // A big plain string (a base64 payload): built only if something reads it as text.
      this.pos++;
      if (Object.hasOwn(obj, key)) throw new ParseFailure('duplicate key');
      defineLazyString(obj, key, t.parts, plainString);
      return;
    }
    const v = this.value();
    // Checked after the value, as qemu-ga does: an error inside the value wins.
    if (Object.hasOwn(obj, key)) throw new ParseFailure('duplicate key');
    obj[key] = v;
  }

  private array(): JsonValue[] {
    this.pos++; // the [
    const list: JsonValue[] = [];
    const first = this.peek();
    if (first === undefined) throw new ParseFailure('premature EOI');
    if (first.type === TokenType.RSQUARE) {
      this.pos++;
      return list;
    }
    list.push(this.value());
    for (let t = this.pop(); t.type !== TokenType.RSQUARE; t = this.pop()) {
      if (t.type !== TokenType.COMMA) throw new ParseFailure('expected separator in list');
      list.push(this.value());
    }
    return list;
  }
}

function parseKeyword(word: string): JsonValue {
  switch (word) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'null':
      return null;
    default:
      throw new ParseFailure(`invalid keyword '${word}'`);
  }
}

/** int64 if it fits, else uint64 if it fits, else a double (strtod semantics: may be ±Infinity). */
function parseInteger(text: string): bigint | number {
  // Longer texts cannot fit in 64 bits; skip BigInt, whose parsing is superlinear.
  if (text.length <= MAX_INT64_TEXT) {
    const v = BigInt(text);
    if (v >= INT64_MIN && v <= UINT64_MAX) return v;
  }
  return Number(text);
}

/** Value of the 4 hex digits at raw[p..p+3], or -1 (bytes past the end read as NUL). */
function hex4(raw: Buffer, p: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const c = raw[p + k] ?? 0;
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

const SIMPLE_ESCAPES: Readonly<Record<number, string>> = {
  0x22: '"',
  0x27: "'",
  0x5c: '\\',
  0x2f: '/',
  0x62: '\b',
  0x66: '\f',
  0x6e: '\n',
  0x72: '\r',
  0x74: '\t',
};

function joinParts(parts: readonly Buffer[]): Buffer {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/**
 * Content of a plain string that spans chunks (`parts` include the quotes): its
 * bytes are its text. One join, then one flat string: every consumer (base64
 * decoding, `includes`, the validators) needs a flat string, and flattening a
 * rope of pieces later costs more than both copies here (1 MiB of base64 from
 * 64 KiB reads: 2.1 ms as a rope then flattened, 0.85 ms joined).
 */
function plainString(parts: readonly Buffer[]): string {
  if (parts.length === 1) return parts[0]!.toString('latin1', 1, parts[0]!.length - 1);
  const joined = Buffer.concat(parts);
  return joined.toString('latin1', 1, joined.length - 1);
}

/**
 * Decodes a string token that has escapes or bytes >= 0x80 (`raw` includes the
 * quotes; the lexer guarantees the last byte is the closing quote and that no
 * raw control characters occur).
 */
function parseString(raw: Buffer): string {
  const close = raw.length - 1;
  let out = '';
  let run = 1; // start of the pending run of plain ASCII bytes
  let p = 1;
  while (p < close) {
    const c = raw[p]!;
    if (c < 0x80 && c !== 0x5c) {
      p++;
      continue;
    }
    if (p > run) out += raw.toString('latin1', run, p);
    if (c === 0x5c) {
      const beg = p;
      const e = raw[p + 1]!;
      p += 2;
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
      } else if (e === 0x75) {
        let cp = hex4(raw, p);
        p += 4;
        // A high surrogate followed by \u must pair with a low surrogate.
        if (cp >= 0xd800 && cp <= 0xdbff && raw[p] === 0x5c && raw[p + 1] === 0x75) {
          const low = hex4(raw, p + 2);
          if (low >= 0xdc00 && low <= 0xdfff) {
            cp = 0x10000 + ((cp & 0x3ff) << 10) + (low & 0x3ff);
            p += 6;
          } else {
            cp = -1;
          }
        }
        if (!isValidCodePoint(cp)) {
          // qemu-ga quotes the escape as written: from the backslash through what it consumed.
          const shown = decodeCStringLossy(raw.subarray(beg, Math.min(p, raw.length)));
          throw new ParseFailure(`${shown} is not a valid Unicode character`);
        }
        out += String.fromCodePoint(cp);
      } else {
        throw new ParseFailure('invalid escape sequence in string');
      }
    } else {
      const r = decodeModUtf8(raw, p, raw.length);
      if (r < 0) throw new ParseFailure('invalid UTF-8 sequence in string');
      out += String.fromCodePoint(packedCodePoint(r)); // C0 80 gives U+0000
      p += packedLength(r);
    }
    run = p;
  }
  if (close > run) out += raw.toString('latin1', run, close);
  return out;
}
