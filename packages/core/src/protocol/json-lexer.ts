import { findSpecialByte, WORD_SCAN_MIN, wordViewOf, type WordView } from './byte-scan.js';
import { MAX_TOKEN_SIZE } from './json-limits.js';
import { COLON_TOKEN, COMMA_TOKEN, JsonToken, LCURLY_TOKEN, LSQUARE_TOKEN, RCURLY_TOKEN, RSQUARE_TOKEN, TokenType } from './json-token.js';

/**
 * Byte-level JSON lexer with the exact token grammar, error points and error
 * recovery of qemu-ga's lexer (docs/protocol.md: json-dialect, recovery-and-0xff, limits).
 *
 * - Tokens: `{ } [ ] : ,`, "…" and '…' strings, numbers, keywords `[a-z]+`.
 * - Numbers and keywords end only on the byte after them (lookahead), which is
 *   then lexed on its own: `42` alone is not a token until something follows.
 * - On a bad byte the lexer consumes it, reports the partial token including it,
 *   then skips bytes until a structural character, a control character other
 *   than tab, or 0xFE/0xFF, which it lexes again from the start state.
 * - A token reaching MAX_TOKEN_SIZE + 1 bytes is reported as oversized. Unlike
 *   qemu-ga (which restarts lexing mid-string and floods the host with errors),
 *   we keep lexing the token without keeping its text; see README-protocol.md.
 */
export interface LexerSink {
  token(token: JsonToken): void;
  /**
   * A lexical error. `text` is the partial token including the offending byte
   * (null when the token's text was not kept), `byte` is the offending byte.
   */
  error(text: Buffer | null, byte: number): void;
  /** The current token just grew past MAX_TOKEN_SIZE bytes. */
  oversize(): void;
}

// Lexer states. Every state from DQ on is "inside a token".
const START = 0;
const RECOVERY = 1;
const DQ = 2; // in a "…" string
const DQ_ESC = 3; // after a backslash in a "…" string
const SQ = 4;
const SQ_ESC = 5;
const ZERO = 6; // "0" or "-0": only "." may follow
const SIGN = 7; // "-": a digit must follow
const DIGITS = 8; // integer digits
const MANT = 9; // after ".": a digit must follow
const MANT_DIGITS = 10;
const EXP_E = 11; // after "e"/"E": sign or digit
const EXP_SIGN = 12; // after the exponent sign: a digit must follow
const EXP_DIGITS = 13;
const KEYWORD = 14;

const EMPTY = Buffer.alloc(0);

/** A token is oversized when it reaches this many bytes. */
const LIMIT = MAX_TOKEN_SIZE + 1;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export class JsonLexer {
  /**
   * Whether tokens starting from now keep their text. The streamer turns this off
   * while it discards the rest of a message after a limit error, so an endless
   * discarded string costs no memory.
   */
  keepText = true;

  private state = START;
  /** Bytes of the current token so far. */
  private tokLen = 0;
  /** Slices of earlier chunks holding the start of the current token (no copies). */
  private parts: Buffer[] = [];
  /** The current token's text is not kept (discarding, or the token is oversized). */
  private dropped = false;
  /** The current string has no backslash and no byte >= 0x80 so far. */
  private plain = true;

  // Per-chunk state, valid during feed().
  private chunk: Buffer = EMPTY;
  private tokStart = 0;
  private view: WordView | null = null;
  private nextDq = -1;
  private nextSq = -1;
  private nextBs = -1;

  constructor(private readonly sink: LexerSink) {}

  /**
   * Lexes one chunk. The lexer keeps slices of it (no copy) while a token spans
   * chunks, so the caller must not reuse the chunk's memory afterwards.
   */
  feed(chunk: Buffer): void {
    this.chunk = chunk;
    this.tokStart = 0;
    this.view = null;
    this.nextDq = this.nextSq = this.nextBs = -1;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case START:
          i = this.lexStart(i);
          break;
        case RECOVERY:
          i = this.skipRecovery(i, n);
          break;
        case DQ:
        case SQ:
          i = this.lexString(i, n);
          break;
        default:
          i = this.lexOther(i);
          break;
      }
    }
    // A token continues in the next chunk: keep a view of its bytes so far.
    if (this.state >= DQ && !this.dropped && this.tokStart < n) {
      this.parts.push(chunk.subarray(this.tokStart, n));
    }
    this.chunk = EMPTY; // do not pin the caller's chunk between calls
    this.view = null;
  }

  /** Start state: one byte starts or is a token, is skipped, or is an error. */
  private lexStart(i: number): number {
    const c = this.chunk[i]!;
    switch (c) {
      case 0x20:
      case 0x09:
      case 0x0a:
      case 0x0d:
        return i + 1;
      case 0x7b:
        this.sink.token(LCURLY_TOKEN);
        return i + 1;
      case 0x7d:
        this.sink.token(RCURLY_TOKEN);
        return i + 1;
      case 0x5b:
        this.sink.token(LSQUARE_TOKEN);
        return i + 1;
      case 0x5d:
        this.sink.token(RSQUARE_TOKEN);
        return i + 1;
      case 0x3a:
        this.sink.token(COLON_TOKEN);
        return i + 1;
      case 0x2c:
        this.sink.token(COMMA_TOKEN);
        return i + 1;
      case 0x22:
        return this.begin(i, DQ);
      case 0x27:
        return this.begin(i, SQ);
      case 0x2d:
        return this.begin(i, SIGN);
      case 0x30:
        return this.begin(i, ZERO);
      default:
        if (c >= 0x31 && c <= 0x39) return this.begin(i, DIGITS);
        if (c >= 0x61 && c <= 0x7a) return this.begin(i, KEYWORD);
        this.beginAt(i);
        return this.fail(i);
    }
  }

  /** Starts a token with the byte at i (consumed). */
  private begin(i: number, state: number): number {
    this.beginAt(i);
    this.state = state;
    this.tokLen = 1;
    return i + 1;
  }

  private beginAt(i: number): void {
    this.tokStart = i;
    this.tokLen = 0;
    if (this.parts.length > 0) this.parts = [];
    this.dropped = !this.keepText;
    this.plain = true;
  }

  /**
   * Recovery after an error: skip everything but structural characters, control
   * characters other than tab, and 0xFE/0xFF; those end recovery unconsumed.
   */
  private skipRecovery(i: number, n: number): number {
    const chunk = this.chunk;
    for (; i < n; i++) {
      const c = chunk[i]!;
      if (c >= 0x20 ? c >= 0xfe || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x3a || c === 0x2c : c !== 0x09) {
        this.state = START;
        return i;
      }
    }
    return n;
  }

  /**
   * Inside a string: jump to the next byte that matters (the closing quote, a
   * backslash, a control character, 0xFE/0xFF, and while the string is still
   * plain any byte >= 0x80) without stepping through the bytes in between.
   */
  private lexString(i: number, n: number): number {
    const chunk = this.chunk;
    const quote = this.state === DQ ? 0x22 : 0x27;
    // Scan no further than the byte that would make the token oversized.
    const stop = this.dropped ? n : Math.min(n, i + (LIMIT - this.tokLen));
    let end = Math.min(this.findQuote(quote, i), this.findBackslash(i), stop);
    if (end > i) {
      // The word view of the chunk is built once, and only if a long run needs it.
      const view = end - i >= WORD_SCAN_MIN ? (this.view ??= wordViewOf(chunk)) : null;
      end = findSpecialByte(chunk, view, i, end, this.plain);
      this.tokLen += end - i;
    }
    if (end === stop) {
      // Plain bytes up to the chunk end, or up to the size limit.
      if (!this.dropped && this.tokLen >= LIMIT) this.overflow();
      return end;
    }
    const c = chunk[end]!;
    if (c === quote) {
      this.tokLen++;
      this.finishString(end + 1);
      return end + 1;
    }
    if (c < 0x20 || c >= 0xfe) return this.fail(end);
    // A backslash, or a byte 0x80..0xFD: the string is no longer plain.
    this.plain = false;
    if (c === 0x5c) this.state = quote === 0x22 ? DQ_ESC : SQ_ESC;
    return this.consumed(end);
  }

  private findQuote(quote: number, i: number): number {
    if (quote === 0x22) {
      if (this.nextDq < i) this.nextDq = indexOrEnd(this.chunk, 0x22, i);
      return this.nextDq;
    }
    if (this.nextSq < i) this.nextSq = indexOrEnd(this.chunk, 0x27, i);
    return this.nextSq;
  }

  private findBackslash(i: number): number {
    if (this.nextBs < i) this.nextBs = indexOrEnd(this.chunk, 0x5c, i);
    return this.nextBs;
  }

  /** Escapes, numbers and keywords: one byte at a time (these tokens are short). */
  private lexOther(i: number): number {
    const c = this.chunk[i]!;
    switch (this.state) {
      case DQ_ESC:
      case SQ_ESC:
        // Any non-control character may follow a backslash; the parser validates it.
        if (c < 0x20 || c >= 0xfe) return this.fail(i);
        this.state = this.state === DQ_ESC ? DQ : SQ;
        return this.consumed(i);
      case SIGN:
        if (c === 0x30) this.state = ZERO;
        else if (isDigit(c)) this.state = DIGITS;
        else return this.fail(i);
        return this.consumed(i);
      case ZERO:
        if (c === 0x2e) {
          this.state = MANT;
          return this.consumed(i);
        }
        if (isDigit(c)) return this.fail(i); // no leading zeros
        return this.finishLookahead(i, TokenType.INTEGER);
      case DIGITS:
        if (isDigit(c)) return this.consumed(i);
        if (c === 0x2e) this.state = MANT;
        else if (c === 0x65 || c === 0x45) this.state = EXP_E;
        else return this.finishLookahead(i, TokenType.INTEGER);
        return this.consumed(i);
      case MANT:
        if (!isDigit(c)) return this.fail(i);
        this.state = MANT_DIGITS;
        return this.consumed(i);
      case MANT_DIGITS:
        if (isDigit(c)) return this.consumed(i);
        if (c === 0x65 || c === 0x45) {
          this.state = EXP_E;
          return this.consumed(i);
        }
        return this.finishLookahead(i, TokenType.FLOAT);
      case EXP_E:
        if (c === 0x2b || c === 0x2d) this.state = EXP_SIGN;
        else if (isDigit(c)) this.state = EXP_DIGITS;
        else return this.fail(i);
        return this.consumed(i);
      case EXP_SIGN:
        if (!isDigit(c)) return this.fail(i);
        this.state = EXP_DIGITS;
        return this.consumed(i);
      case EXP_DIGITS:
        if (isDigit(c)) return this.consumed(i);
        return this.finishLookahead(i, TokenType.FLOAT);
      default: // KEYWORD
        if (c >= 0x61 && c <= 0x7a) return this.consumed(i);
        return this.finishLookahead(i, TokenType.KEYWORD);
    }
  }

  /** The byte at i joined the current token. */
  private consumed(i: number): number {
    if (++this.tokLen >= LIMIT && !this.dropped) this.overflow();
    return i + 1;
  }

  /**
   * The token reached MAX_TOKEN_SIZE + 1 bytes. Report it, then lex the rest
   * of it without keeping text (qemu-ga instead restarts in the start state).
   */
  private overflow(): void {
    this.dropped = true;
    this.parts = [];
    this.sink.oversize();
  }

  /** A number or keyword ended because byte i cannot continue it; byte i is lexed next. */
  private finishLookahead(i: number, type: TokenType): number {
    let text = '';
    if (!this.dropped) {
      text = this.parts.length === 0 ? this.chunk.toString('latin1', this.tokStart, i) : latin1Of(this.takeParts(i));
    }
    this.state = START;
    this.sink.token(new JsonToken(type, this.tokLen, text, null, false));
    return i;
  }

  /** The string ended just before index `end`. */
  private finishString(end: number): void {
    const len = this.tokLen;
    this.state = START;
    let token: JsonToken;
    if (this.dropped) {
      token = new JsonToken(TokenType.STRING, len, null, null, false);
    } else if (this.plain && this.parts.length === 0) {
      // Within this chunk and plain: a short copy now beats keeping a view of the chunk.
      token = new JsonToken(TokenType.STRING, len, this.chunk.toString('latin1', this.tokStart + 1, end - 1), null, true);
    } else {
      // Spanning chunks (e.g. a 64 MiB base64 argument) or needing decoding: hand over the
      // slices; the parser builds the string once, without an intermediate join when plain.
      token = new JsonToken(TokenType.STRING, len, null, this.takeParts(end), this.plain);
    }
    this.sink.token(token);
  }

  /** The current token's bytes up to (excluding) `end`, as the slices that hold them. */
  private takeParts(end: number): Buffer[] {
    const parts = this.parts;
    if (end > this.tokStart) parts.push(this.chunk.subarray(this.tokStart, end));
    this.parts = [];
    return parts;
  }

  /** Byte i cannot continue the current state: report the error (byte consumed), then recover. */
  private fail(i: number): number {
    const byte = this.chunk[i]!;
    const text = this.dropped ? null : Buffer.concat(this.takeParts(i + 1));
    this.state = RECOVERY;
    this.sink.error(text, byte);
    return i + 1;
  }
}

function indexOrEnd(chunk: Buffer, byte: number, from: number): number {
  const p = chunk.indexOf(byte, from);
  return p < 0 ? chunk.length : p;
}

function latin1Of(parts: readonly Buffer[]): string {
  return Buffer.concat(parts).toString('latin1');
}
