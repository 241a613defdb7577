/** Token kinds the lexer hands to the streamer (QEMU's JSONTokenType, minus interpolation). */
export const TokenType = {
  LCURLY: 1,
  RCURLY: 2,
  LSQUARE: 3,
  RSQUARE: 4,
  COLON: 5,
  COMMA: 6,
  STRING: 7,
  INTEGER: 8,
  FLOAT: 9,
  KEYWORD: 10,
} as const;
export type TokenType = (typeof TokenType)[keyof typeof TokenType];

/**
 * One lexed token. A class (not object literals) so every token has the same
 * hidden class: a message may hold two million of them.
 */
export class JsonToken {
  constructor(
    readonly type: TokenType,
    /** Bytes of token text, quotes included: what counts towards the 64 MiB message limit. */
    readonly length: number,
    /**
     * Numbers and keywords: their ASCII text ('' when lexed without text while
     * discarding). Strings that lie within one chunk and are "plain" (no backslash,
     * no byte >= 0x80): their content, ready to use. Otherwise null.
     */
    readonly text: string | null,
    /**
     * Other strings: the raw token bytes, quotes included, as slices of the input
     * chunks (never copied by the lexer); the parser joins or decodes them once.
     * null for structural tokens and for tokens lexed while discarding.
     */
    readonly parts: readonly Buffer[] | null,
    /** Strings: no backslash and no byte >= 0x80, so the bytes are the text (latin1 = ASCII). */
    readonly plain: boolean,
  ) {}
}

/** Structural tokens carry no text, so one shared instance each is enough. */
export const LCURLY_TOKEN = new JsonToken(TokenType.LCURLY, 1, null, null, false);
export const RCURLY_TOKEN = new JsonToken(TokenType.RCURLY, 1, null, null, false);
export const LSQUARE_TOKEN = new JsonToken(TokenType.LSQUARE, 1, null, null, false);
export const RSQUARE_TOKEN = new JsonToken(TokenType.RSQUARE, 1, null, null, false);
export const COLON_TOKEN = new JsonToken(TokenType.COLON, 1, null, null, false);
export const COMMA_TOKEN = new JsonToken(TokenType.COMMA, 1, null, null, false);
