/**
 * Fast search for the bytes that end a plain run inside a JSON string.
 *
 * A 64 MiB base64 token must lex at >= 1 GB/s. V8's RegExp character classes
 * top out near 1 GB/s and Buffer#indexOf finds one byte value only, so the lexer
 * uses indexOf (memchr) for the quote and the backslash and this word-at-a-time
 * (SWAR) test for the ranges: 4 bytes per 32-bit word, 4 words per iteration.
 */

/** An Int32Array over the 4-byte-aligned middle of a chunk, built once per chunk. */
export interface WordView {
  readonly words: Int32Array;
  /** Chunk index of words[0]'s first byte. */
  readonly first: number;
}

export function wordViewOf(chunk: Buffer): WordView {
  const first = (4 - (chunk.byteOffset & 3)) & 3;
  const count = chunk.length > first ? (chunk.length - first) >>> 2 : 0;
  return { words: new Int32Array(chunk.buffer, chunk.byteOffset + first, count), first };
}

/** Below this many bytes a plain loop beats setting up the word scan. */
export const WORD_SCAN_MIN = 48;

/**
 * Index of the first byte in `chunk[from, to)` that is a control character
 * (< 0x20) or, if `highIsSpecial`, >= 0x80, else >= 0xFE; `to` if none.
 * `view` (the chunk's word view) is needed only from WORD_SCAN_MIN bytes on.
 */
export function findSpecialByte(chunk: Buffer, view: WordView | null, from: number, to: number, highIsSpecial: boolean): number {
  const high = highIsSpecial ? 0x80 : 0xfe;
  if (view === null || to - from < WORD_SCAN_MIN) return scanBytes(chunk, from, to, high);
  // Bytes before the first whole word.
  const w0 = Math.max(0, Math.ceil((from - view.first) / 4));
  const head = view.first + w0 * 4;
  const p = scanBytes(chunk, from, head, high);
  if (p < head) return p;
  const w1 = Math.min(view.words.length, Math.floor((to - view.first) / 4));
  const w = highIsSpecial ? scanWordsAscii(view.words, w0, w1) : scanWordsUtf8(view.words, w0, w1);
  // From the word group that matched (or the tail after the last word), finish byte by byte.
  return scanBytes(chunk, view.first + w * 4, to, high);
}

function scanBytes(chunk: Buffer, from: number, to: number, high: number): number {
  for (let i = from; i < to; i++) {
    const c = chunk[i]!;
    if (c < 0x20 || c >= high) return i;
  }
  return to;
}

/*
 * The word tests (classic bit tricks, exact for "is there any such byte"):
 *   byte < 0x20 anywhere:  (x - 0x20202020) & ~x & 0x80808080
 *   byte >= 0x80 anywhere:  x & 0x80808080
 *   byte == 0 anywhere:     (v - 0x01010101) & ~v & 0x80808080; with v = ~(x | 0x01010101),
 *                           a zero byte of v is a byte >= 0xFE of x.
 * They return the index of the first 4-word group (or single word) with a hit.
 */
function scanWordsAscii(words: Int32Array, w: number, end: number): number {
  for (; w + 4 <= end; w += 4) {
    const a = words[w]!,
      b = words[w + 1]!,
      c = words[w + 2]!,
      d = words[w + 3]!;
    const t = ((a - 0x20202020) & ~a) | a | ((b - 0x20202020) & ~b) | b | ((c - 0x20202020) & ~c) | c | ((d - 0x20202020) & ~d) | d;
    if (t & 0x80808080) return w;
  }
  for (; w < end; w++) {
    const a = words[w]!;
    if ((((a - 0x20202020) & ~a) | a) & 0x80808080) return w;
  }
  return end;
}

function scanWordsUtf8(words: Int32Array, w: number, end: number): number {
  for (; w < end; w++) {
    const a = words[w]!;
    const v = ~(a | 0x01010101);
    if ((((a - 0x20202020) & ~a) | ((v - 0x01010101) & ~v)) & 0x80808080) return w;
  }
  return end;
}

/**
 * Index of the first byte in `buf[from, to)` that is not printable ASCII
 * (< 0x20 or >= 0x7F); `to` if none. The encoder uses it to accept a large
 * string after writing it, instead of testing it with a slower RegExp first.
 */
export function findUnprintableByte(buf: Buffer, from: number, to: number): number {
  if (to - from >= WORD_SCAN_MIN) {
    const view = wordViewOf(buf);
    const w0 = Math.max(0, Math.ceil((from - view.first) / 4));
    const head = view.first + w0 * 4;
    for (; from < head; from++) if (isUnprintable(buf[from]!)) return from;
    const w1 = Math.min(view.words.length, Math.floor((to - view.first) / 4));
    from = view.first + scanWordsPrintable(view.words, w0, w1) * 4;
  }
  for (; from < to; from++) if (isUnprintable(buf[from]!)) return from;
  return to;
}

function isUnprintable(c: number): boolean {
  return c < 0x20 || c >= 0x7f;
}

/* byte >= 0x7F anywhere: x | (x + 0x01010101) has bit 7 set in some byte (a carry only follows a hit). */
function scanWordsPrintable(words: Int32Array, w: number, end: number): number {
  for (; w + 4 <= end; w += 4) {
    const a = words[w]!,
      b = words[w + 1]!,
      c = words[w + 2]!,
      d = words[w + 3]!;
    const t =
      ((a - 0x20202020) & ~a) |
      a |
      (a + 0x01010101) |
      ((b - 0x20202020) & ~b) |
      b |
      (b + 0x01010101) |
      ((c - 0x20202020) & ~c) |
      c |
      (c + 0x01010101) |
      ((d - 0x20202020) & ~d) |
      d |
      (d + 0x01010101);
    if (t & 0x80808080) return w;
  }
  for (; w < end; w++) {
    const a = words[w]!;
    if ((((a - 0x20202020) & ~a) | a | (a + 0x01010101)) & 0x80808080) return w;
  }
  return end;
}
