/**
 * Bytes that go on the wire as a base64 JSON string (guest-file-read's
 * `buf-b64`, guest-exec-status's `out-data`). A command returns the bytes
 * instead of a ready string so the encoder can produce the text slice by
 * slice while it is written: a 48 MiB read then never needs its 64 MiB of
 * base64 text in memory at once.
 */
export class Base64Bytes {
  constructor(
    readonly bytes: Buffer,
    /** Called once the encoder has made the text: the bytes' owner may reuse them (a pooled read buffer). */
    private onEncoded?: () => void,
  ) {}

  /** The encoder is done with the bytes: hand them back to their owner (once). */
  encoded(): void {
    const f = this.onEncoded;
    this.onEncoded = undefined;
    f?.();
  }

  /** Length of the base64 text. */
  get encodedLength(): number {
    return Math.ceil(this.bytes.length / 3) * 4;
  }

  /** The base64 text of the bytes. */
  toString(): string {
    return this.bytes.toString('base64');
  }

  /** What JSON.stringify and test comparisons see: the base64 text. */
  toJSON(): string {
    return this.toString();
  }
}
