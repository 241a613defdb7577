/**
 * Large buffers kept for reuse: the data of big `guest-file-read`s and the
 * slices their replies are written in. A fresh megabyte from the allocator
 * costs page faults on first touch and stays garbage until V8's next full
 * GC, which external memory triggers late; reusing a few buffers makes a
 * transfer allocate almost nothing, so it is faster and its peak memory is
 * bounded (BENCHMARKS.md, round 4).
 *
 * Only buffers this pool allocated come back into it, each at most once per
 * take: whoever takes one gives it back only when nothing reads or writes it
 * any more. What is kept is dropped after a few idle seconds, so an idle
 * agent holds none of it.
 */
export class BufferPool {
  /** Backing stores this pool made (so a foreign buffer is never reused). */
  private readonly owned = new WeakSet<ArrayBuffer>();
  /** Free buffers, whole backing stores. */
  private free: Buffer[] = [];
  private freeBytes = 0;
  private lastUse = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Requests below this size get an ordinary (unpooled) buffer. */
    private readonly minSize: number,
    /** At most this many bytes are kept free. */
    private readonly maxFreeBytes: number,
    /** Free buffers are dropped after this long without a take or give. */
    private readonly idleMs: number,
  ) {}

  /** A buffer of exactly `size` bytes, contents undefined. */
  take(size: number): Buffer {
    if (size < this.minSize) return Buffer.allocUnsafe(size);
    this.lastUse = Date.now();
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const cap = this.free[i]!.length;
      // Fits, and wastes at most half: a 48 MiB buffer is not pinned for a 1 MiB read.
      if (cap >= size && cap <= size * 2 && (best < 0 || cap < this.free[best]!.length)) best = i;
    }
    if (best >= 0) {
      const buf = this.free[best]!;
      this.free.splice(best, 1);
      this.freeBytes -= buf.length;
      return buf.length === size ? buf : buf.subarray(0, size);
    }
    const buf = Buffer.allocUnsafeSlow(size);
    this.owned.add(buf.buffer as ArrayBuffer);
    return buf;
  }

  /** Give back a buffer from take() (or a view of one) that nothing uses any more. */
  give(view: Buffer): void {
    const store = view.buffer as ArrayBuffer;
    if (!this.owns(view)) return;
    if (this.freeBytes + store.byteLength > this.maxFreeBytes) return;
    for (const f of this.free) if (f.buffer === store) return; // given twice: keep one
    this.free.push(Buffer.from(store));
    this.freeBytes += store.byteLength;
    this.lastUse = Date.now();
    this.armIdleTimer(this.idleMs);
  }

  /** Whether `view` is (a view of) a buffer this pool made, that give() would take back. */
  owns(view: Buffer): boolean {
    return this.owned.has(view.buffer as ArrayBuffer);
  }

  /** Bytes kept free right now. */
  get keptBytes(): number {
    return this.freeBytes;
  }

  private armIdleTimer(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const idle = Date.now() - this.lastUse;
      if (idle >= this.idleMs) {
        this.free = [];
        this.freeBytes = 0;
      } else if (this.free.length > 0) this.armIdleTimer(this.idleMs - idle);
    }, ms);
    this.timer.unref();
  }
}

/** The agent's pool for file data and reply slices: 1 MiB reply slices, reads up to 48 MiB. */
export const ioBuffers = new BufferPool(256 * 1024, 64 * 1024 * 1024, 5_000);
