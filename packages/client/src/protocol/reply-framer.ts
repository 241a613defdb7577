/** Receives one reply line (without its `\n`); `delimited` is true when a 0xFF byte preceded it. */
export type LineHandler = (line: string, delimited: boolean) => void;

/**
 * Cuts the agent's output into reply lines. Agent output is pure ASCII, one
 * reply per line, so a raw 0xFF can only be the marker guest-sync-delimited
 * writes: everything buffered before it is thrown away (it may be the tail of
 * a reply meant for an earlier client) and the next line is flagged.
 * Lines are decoded as latin1, which maps bytes 1:1, so a caller can recover
 * the exact bytes with Buffer.from(line, 'latin1').
 */
export class ReplyFramer {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private delimited = false;

  constructor(
    private readonly onLine: LineHandler,
    private readonly maxLineBytes: number,
    private readonly onOverflow: (bytes: number) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    let ff = chunk.indexOf(0xff);
    while (start < chunk.length) {
      if (ff !== -1 && ff < start) ff = chunk.indexOf(0xff, start);
      const nl = chunk.indexOf(0x0a, start);
      if (ff !== -1 && (nl === -1 || ff < nl)) {
        this.parts = [];
        this.partBytes = 0;
        this.delimited = true;
        start = ff + 1;
        continue;
      }
      if (nl === -1) {
        this.parts.push(chunk.subarray(start));
        this.partBytes += chunk.length - start;
        if (this.partBytes > this.maxLineBytes) {
          const bytes = this.partBytes;
          this.reset();
          this.onOverflow(bytes);
        }
        return;
      }
      const piece = chunk.subarray(start, nl);
      let line: string;
      if (this.parts.length === 0) {
        line = piece.toString('latin1');
      } else {
        this.parts.push(piece);
        line = Buffer.concat(this.parts, this.partBytes + piece.length).toString('latin1');
        this.parts = [];
        this.partBytes = 0;
      }
      start = nl + 1;
      const delimited = this.delimited;
      this.delimited = false;
      // qemu-ga never sends blank lines; a stray "\r" or spaces are not replies.
      if (delimited || line.trim().length > 0) this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line, delimited);
    }
  }

  /** Forgets any partial line (used when a connection is replaced). */
  reset(): void {
    this.parts = [];
    this.partBytes = 0;
    this.delimited = false;
  }
}
