import type { LexerSink } from './json-lexer.js';
import {
  MAX_NESTING,
  MAX_TOKEN_COUNT,
  MAX_TOKEN_SIZE,
  NESTING_LIMIT_DESC,
  TOKEN_COUNT_LIMIT_DESC,
  TOKEN_SIZE_LIMIT_DESC,
} from './json-limits.js';
import { type JsonToken, TokenType } from './json-token.js';
import { decodeCStringLossy } from './mod-utf8.js';

/** Where the streamer delivers what it cuts out of the token stream. */
export interface StreamerSink {
  /** A complete message: the tokens of one top-level value (or of a broken one) and their total length. */
  message(tokens: JsonToken[], size: number): void;
  /** A lexical or limit error, with its final desc. */
  error(desc: string): void;
}

/**
 * Splits the token stream into messages the way qemu-ga's streamer does
 * (docs/protocol.md#message-boundaries, docs/protocol.md#limits): it counts open braces and brackets and hands over the
 * queued tokens as soon as both counts are zero or either is negative, so every
 * top-level token outside a container is a message of its own (a stray `}`
 * gives one `expecting value`, a bare `42 ` one value).
 *
 * Deliberate improvement over qemu-ga: after a limit error (token size, total
 * size, token count, nesting) qemu-ga resets in the middle of the message and
 * then answers every leftover piece of it with more errors. We send the same
 * first error, then silently discard the rest of that message: tokens are
 * still lexed (so strings and nesting are followed) but only counted, until the
 * message's nesting is back to zero. A lexer error on a control character or
 * 0xFE/0xFF ends the discard and is reported as usual, so the 0xFF resync still
 * works; other lexer errors while discarding are not reported.
 */
export class JsonStreamer implements LexerSink {
  private braces = 0;
  private brackets = 0;
  private tokens: JsonToken[] = [];
  /** Sum of the queued tokens' lengths (whitespace is not counted). */
  private size = 0;
  private discarding = false;

  /**
   * @param onDiscard told when discarding starts (true) and ends (false), so the
   *   lexer can stop keeping token text meanwhile.
   */
  constructor(
    private readonly out: StreamerSink,
    private readonly onDiscard: (discarding: boolean) => void = () => {},
  ) {}

  token(token: JsonToken): void {
    switch (token.type) {
      case TokenType.LCURLY:
        this.braces++;
        break;
      case TokenType.RCURLY:
        this.braces--;
        break;
      case TokenType.LSQUARE:
        this.brackets++;
        break;
      case TokenType.RSQUARE:
        this.brackets--;
        break;
      default: // other tokens do not nest
        break;
    }
    if (this.discarding) {
      if (this.messageEnded()) this.setDiscarding(false);
      return;
    }
    // The limit checks, in qemu-ga's order; the +1 is its terminating NUL.
    if (this.size + token.length + 1 > MAX_TOKEN_SIZE) return this.limitExceeded(TOKEN_SIZE_LIMIT_DESC);
    if (this.tokens.length + 1 > MAX_TOKEN_COUNT) return this.limitExceeded(TOKEN_COUNT_LIMIT_DESC);
    if (this.braces + this.brackets > MAX_NESTING) return this.limitExceeded(NESTING_LIMIT_DESC);
    this.tokens.push(token);
    this.size += token.length;
    if (!this.messageEnded()) return;
    const tokens = this.tokens;
    const size = this.size;
    this.reset();
    this.out.message(tokens, size);
  }

  error(text: Buffer | null, byte: number): void {
    // While discarding, only the bytes clients use to force a reset are reported.
    if (this.discarding && byte >= 0x20 && byte < 0xfe) return;
    this.reset();
    // qemu-ga prints the partial token as a C string: a NUL byte ends it.
    const shown = decodeCStringLossy(text ?? Buffer.of(byte));
    this.out.error(`JSON parse error, stray '${shown}'`);
  }

  oversize(): void {
    if (this.discarding) return;
    // The oversized token is still being lexed: discard until it and its message end.
    this.tokens = [];
    this.size = 0;
    this.setDiscarding(true);
    this.out.error(TOKEN_SIZE_LIMIT_DESC);
  }

  /** qemu-ga parses the queue when no container is open or a count went negative. */
  private messageEnded(): boolean {
    return !((this.braces > 0 || this.brackets > 0) && this.braces >= 0 && this.brackets >= 0);
  }

  private limitExceeded(desc: string): void {
    this.tokens = [];
    this.size = 0;
    // The counts include the offending token; if it closed the message there is nothing to discard.
    if (this.messageEnded()) this.reset();
    else this.setDiscarding(true);
    this.out.error(desc);
  }

  private reset(): void {
    this.braces = 0;
    this.brackets = 0;
    this.tokens = [];
    this.size = 0;
    if (this.discarding) this.setDiscarding(false);
  }

  private setDiscarding(on: boolean): void {
    this.discarding = on;
    if (!on) {
      this.braces = 0;
      this.brackets = 0;
    }
    this.onDiscard(on);
  }
}
