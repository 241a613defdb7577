import { Observable, type OperatorFunction } from 'rxjs';
import type { Inbound } from './inbound.js';
import { JsonLexer } from './json-lexer.js';
import { parseJsonTokens } from './json-parser.js';
import { JsonStreamer } from './json-streamer.js';

/**
 * The stateful input side of a session: lexer → streamer → parser.
 * Feed it bytes as they arrive, in chunks of any size; chunk boundaries never
 * change what comes out. Like qemu-ga it is never reset by itself: a partial
 * request stays pending until more bytes (or a 0xFF/control character) arrive.
 */
export class JsonStreamDecoder {
  private readonly lexer: JsonLexer;
  private emit: (event: Inbound) => void = () => {};

  constructor() {
    const streamer = new JsonStreamer(
      {
        message: (tokens, size) => {
          const r = parseJsonTokens(tokens);
          this.emit(r.ok ? { kind: 'request', value: r.value, size } : { kind: 'error', desc: r.desc });
        },
        error: (desc) => this.emit({ kind: 'error', desc }),
      },
      (discarding) => {
        this.lexer.keepText = !discarding;
      },
    );
    this.lexer = new JsonLexer(streamer);
  }

  /**
   * Decodes one chunk and returns the events it completed, in order.
   * The decoder may keep views of the chunk (no copy): do not reuse its memory.
   */
  push(chunk: Uint8Array): Inbound[] {
    const events: Inbound[] = [];
    this.write(chunk, (e) => events.push(e));
    return events;
  }

  /**
   * Callback form of push(): `onEvent` runs synchronously for each event as
   * soon as it is complete, even in the middle of the chunk.
   */
  write(chunk: Uint8Array, onEvent: (event: Inbound) => void): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.emit = onEvent;
    try {
      this.lexer.feed(buf);
    } finally {
      this.emit = () => {};
    }
  }
}

/**
 * RxJS operator: a session's input bytes in, decoded events out. Each
 * subscription gets its own decoder, so sessions never share parser state.
 */
export function decodeJsonStream(): OperatorFunction<Uint8Array, Inbound> {
  return (source) =>
    new Observable<Inbound>((subscriber) => {
      const decoder = new JsonStreamDecoder();
      return source.subscribe({
        next: (chunk) => {
          try {
            decoder.write(chunk, (event) => subscriber.next(event));
          } catch (err) {
            subscriber.error(err);
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
