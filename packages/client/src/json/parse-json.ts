import type { JsonObject, JsonValue } from './json-value.js';

/** Deepest nesting accepted from a peer: protects the stack from a hostile agent. */
const MAX_DEPTH = 1024;

/** Thrown for any text that is not exactly one JSON value. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'JsonSyntaxError';
  }
}

/**
 * Parses one JSON text losslessly: integers beyond 2^53 come back as bigint.
 * Replies are ASCII lines, often megabytes of base64, so strings without
 * escapes are sliced in one step instead of walked byte by byte.
 */
export function parseJson(text: string): JsonValue {
  return new Parser(text).parseDocument();
}

class Parser {
  private pos = 0;
  /** Position of the next backslash at or after `pos`, cached to keep scanning linear. */
  private nextBackslash = -2;

  constructor(private readonly s: string) {}

  parseDocument(): JsonValue {
    this.skipWs();
    const value = this.parseValue(0);
    this.skipWs();
    if (this.pos !== this.s.length) this.fail('unexpected trailing data');
    return value;
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(message, this.pos);
  }

  private skipWs(): void {
    const s = this.s;
    let p = this.pos;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  private parseValue(depth: number): JsonValue {
    const c = this.s.charCodeAt(this.pos);
    switch (c) {
      case 0x7b /* { */:
        return this.parseObject(depth + 1);
      case 0x5b /* [ */:
        return this.parseArray(depth + 1);
      case 0x22 /* " */:
        return this.parseString();
      case 0x74 /* t */:
        return this.parseWord('true', true);
      case 0x66 /* f */:
        return this.parseWord('false', false);
      case 0x6e /* n */:
        return this.parseWord('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber();
        return this.fail(Number.isNaN(c) ? 'unexpected end of input' : 'unexpected character');
    }
  }

  private parseWord<T>(word: string, value: T): T {
    if (!this.s.startsWith(word, this.pos)) this.fail('invalid literal');
    this.pos += word.length;
    return value;
  }

  private parseObject(depth: number): JsonObject {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    this.pos++;
    const obj: JsonObject = {};
    this.skipWs();
    if (this.s.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return obj;
    }
    for (;;) {
      this.skipWs();
      if (this.s.charCodeAt(this.pos) !== 0x22) this.fail('expected string key');
      const key = this.parseString();
      this.skipWs();
      if (this.s.charCodeAt(this.pos) !== 0x3a) this.fail("expected ':'");
      this.pos++;
      this.skipWs();
      const value = this.parseValue(depth);
      // A key named "__proto__" must stay an ordinary member, not set the prototype.
      if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      else obj[key] = value;
      this.skipWs();
      const c = this.s.charCodeAt(this.pos++);
      if (c === 0x7d) return obj;
      if (c !== 0x2c) {
        this.pos--;
        this.fail("expected ',' or '}'");
      }
    }
  }

  private parseArray(depth: number): JsonValue[] {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    this.pos++;
    const arr: JsonValue[] = [];
    this.skipWs();
    if (this.s.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return arr;
    }
    for (;;) {
      this.skipWs();
      arr.push(this.parseValue(depth));
      this.skipWs();
      const c = this.s.charCodeAt(this.pos++);
      if (c === 0x5d) return arr;
      if (c !== 0x2c) {
        this.pos--;
        this.fail("expected ',' or ']'");
      }
    }
  }

  private parseString(): string {
    const s = this.s;
    const start = this.pos + 1;
    const close = s.indexOf('"', start);
    if (close < 0) this.fail('unterminated string');
    if (this.nextBackslash !== -1 && this.nextBackslash < start) this.nextBackslash = s.indexOf('\\', start);
    if (this.nextBackslash === -1 || this.nextBackslash > close) {
      const raw = s.slice(start, close);
      if (hasControlChar(raw)) this.fail('control character in string');
      this.pos = close + 1;
      return raw;
    }
    return this.parseEscapedString(start);
  }

  private parseEscapedString(start: number): string {
    const s = this.s;
    let out = '';
    let p = start;
    let runStart = p;
    for (;;) {
      const c = s.charCodeAt(p);
      if (Number.isNaN(c)) {
        this.pos = p;
        this.fail('unterminated string');
      }
      if (c === 0x22) break;
      if (c < 0x20) {
        this.pos = p;
        this.fail('control character in string');
      }
      if (c !== 0x5c) {
        p++;
        continue;
      }
      out += s.slice(runStart, p);
      const e = s.charCodeAt(p + 1);
      p += 2;
      switch (e) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += '\\';
          break;
        case 0x2f:
          out += '/';
          break;
        case 0x62:
          out += '\b';
          break;
        case 0x66:
          out += '\f';
          break;
        case 0x6e:
          out += '\n';
          break;
        case 0x72:
          out += '\r';
          break;
        case 0x74:
          out += '\t';
          break;
        case 0x75: {
          const hex = s.slice(p, p + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.pos = p;
            this.fail('invalid \\u escape');
          }
          out += String.fromCharCode(parseInt(hex, 16));
          p += 4;
          break;
        }
        default:
          this.pos = p - 1;
          this.fail('invalid escape');
      }
      runStart = p;
    }
    out += s.slice(runStart, p);
    this.pos = p + 1;
    return out;
  }

  private parseNumber(): number | bigint {
    const s = this.s;
    const start = this.pos;
    let p = start;
    if (s.charCodeAt(p) === 0x2d) p++;
    const intStart = p;
    while (isDigit(s.charCodeAt(p))) p++;
    if (p === intStart) {
      this.pos = p;
      this.fail('invalid number');
    }
    if (p - intStart > 1 && s.charCodeAt(intStart) === 0x30) {
      this.pos = intStart;
      this.fail('leading zero in number');
    }
    let isInteger = true;
    if (s.charCodeAt(p) === 0x2e) {
      isInteger = false;
      p++;
      const fracStart = p;
      while (isDigit(s.charCodeAt(p))) p++;
      if (p === fracStart) {
        this.pos = p;
        this.fail('invalid number');
      }
    }
    const e = s.charCodeAt(p);
    if (e === 0x65 || e === 0x45) {
      isInteger = false;
      p++;
      const sign = s.charCodeAt(p);
      if (sign === 0x2b || sign === 0x2d) p++;
      const expStart = p;
      while (isDigit(s.charCodeAt(p))) p++;
      if (p === expStart) {
        this.pos = p;
        this.fail('invalid number');
      }
    }
    this.pos = p;
    const literal = s.slice(start, p);
    if (!isInteger) return Number(literal);
    // 15 digits always fit a double exactly; longer literals are checked.
    if (p - intStart <= 15) return Number(literal);
    const big = BigInt(literal);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hasControlChar(raw: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f]/.test(raw);
}
