/**
 * Wall-clock time in nanoseconds with microsecond resolution (what
 * g_get_real_time() gives qemu-ga). Date.now() has only milliseconds, so the
 * sub-millisecond part comes from the monotonic clock, anchored to Date.now()
 * and re-anchored whenever the two disagree by a millisecond or more — e.g.
 * right after guest-set-time moved the system clock.
 */
export class WallClock {
  private offset: bigint | undefined;

  constructor(
    private readonly wallMs: () => number = Date.now,
    private readonly monoNs: () => bigint = process.hrtime.bigint,
  ) {}

  nowNs(): bigint {
    const wall = BigInt(this.wallMs()) * 1_000_000n;
    const mono = this.monoNs();
    let ns = this.offset === undefined ? undefined : mono + this.offset;
    if (ns === undefined || ns < wall || ns >= wall + 1_000_000n) {
      this.offset = wall - mono;
      ns = wall;
    }
    return (ns / 1000n) * 1000n;
  }
}
