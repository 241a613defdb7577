import { QgaError } from '@qga/core';

/** What `read` hands back: bytes from `offset`, and whether the stream has ended there. */
export interface OutputSlice {
  readonly offset: number;
  readonly data: Buffer;
  readonly eof: boolean;
}

/**
 * One output stream of a process, addressed by absolute byte offset. Bytes
 * stay until a reader asks for a later offset (that acknowledges them), so a
 * lost reply is simply asked for again. When `highWater` bytes are unread the
 * owner is told to stop reading the process (`full`), and told to resume
 * (`drained`) once a reader has caught up: nothing is ever dropped; the
 * process blocks on its write instead.
 */
export class OutputBuffer {
  private chunks: Buffer[] = [];
  /** Absolute offset of the first byte in `chunks`. */
  private base = 0;
  private buffered = 0;
  private ended = false;
  private full = false;

  constructor(
    readonly name: string,
    private readonly highWater: number,
    private readonly hooks: { full(): void; drained(): void; changed(): void },
  ) {}

  /** Offset one past the last byte produced so far. */
  get end(): number {
    return this.base + this.buffered;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  append(bytes: Buffer): void {
    if (bytes.length === 0 || this.ended) return;
    this.chunks.push(bytes);
    this.buffered += bytes.length;
    if (!this.full && this.buffered >= this.highWater) {
      this.full = true;
      this.hooks.full();
    }
    this.hooks.changed();
  }

  /** The stream has ended (EOF, or the process is gone). */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.hooks.changed();
  }

  /** True when a read at `offset` would return something (bytes or EOF). */
  hasNews(offset: number): boolean {
    return this.end > offset || this.ended;
  }

  /**
   * Bytes from `offset` (default: the oldest kept), at most `max`. Asking for
   * an offset acknowledges everything before it, which is then freed.
   */
  read(offset: number | undefined, max: number): OutputSlice {
    const from = offset ?? this.base;
    if (from < this.base) {
      throw new QgaError(`${this.name} bytes before offset ${this.base} were already read and released (asked for ${from})`);
    }
    if (from > this.end) throw new QgaError(`${this.name} offset ${from} is beyond the ${this.end} bytes produced so far`);
    this.release(from);
    let data: Buffer;
    if (this.chunks.length === 0 || max === 0) data = Buffer.alloc(0);
    else {
      const parts: Buffer[] = [];
      let taken = 0;
      for (const chunk of this.chunks) {
        if (taken >= max) break;
        const take = Math.min(chunk.length, max - taken);
        parts.push(take === chunk.length ? chunk : chunk.subarray(0, take));
        taken += take;
      }
      data = Buffer.concat(parts, taken);
    }
    return { offset: from, data, eof: this.ended && from + data.length === this.end };
  }

  /** Frees everything (the record is being dropped). */
  dispose(): void {
    this.chunks = [];
    this.base = this.end;
    this.buffered = 0;
    this.close();
  }

  private release(upTo: number): void {
    let drop = upTo - this.base;
    if (drop <= 0) return;
    while (drop > 0) {
      const head = this.chunks[0] as Buffer;
      if (head.length <= drop) {
        this.chunks.shift();
        drop -= head.length;
        this.base += head.length;
        this.buffered -= head.length;
      } else {
        this.chunks[0] = head.subarray(drop);
        this.base += drop;
        this.buffered -= drop;
        drop = 0;
      }
    }
    if (this.full && this.buffered < this.highWater / 2) {
      this.full = false;
      this.hooks.drained();
    }
  }
}
