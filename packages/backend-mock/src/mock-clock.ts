/** Wall clock in ns (microsecond resolution, like gettimeofday). */
function realNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}

/**
 * The guest's system clock and RTC. It follows the host's real clock until
 * a test calls `set(ns)`, which pins it (deterministic) until `advance` or
 * `useRealClock`. guest-set-time moves the system clock (a running clock
 * keeps running from the new time) and copies it to the RTC; guest-set-time
 * without a time copies the RTC to the system clock.
 */
export class MockClock {
  private fixed: bigint | undefined;
  private offset = 0n;
  private rtcOffset = 0n;

  /** Current system time in ns since the epoch. */
  now(): bigint {
    return this.fixed ?? realNs() + this.offset;
  }

  /** Pin the clock at `ns`. */
  set(ns: bigint): void {
    this.fixed = ns;
  }

  /** Move the clock forward (or back, with a negative value). */
  advance(ns: bigint): void {
    if (this.fixed !== undefined) this.fixed += ns;
    else this.offset += ns;
  }

  /** Follow the host's real clock again. */
  useRealClock(): void {
    this.fixed = undefined;
    this.offset = 0n;
  }

  get pinned(): boolean {
    return this.fixed !== undefined;
  }

  /** Current RTC time in ns (runs in real time; starts equal to the real clock). */
  rtcNow(): bigint {
    return realNs() + this.rtcOffset;
  }

  /** Set the RTC (as `hwclock --set` would). */
  setRtc(ns: bigint): void {
    this.rtcOffset = ns - realNs();
  }

  /** settimeofday(): keeps the pinned/running mode. */
  setSystemTime(ns: bigint): void {
    if (this.fixed !== undefined) this.fixed = ns;
    else this.offset = ns - realNs();
  }

  /** `hwclock -w`. */
  systemToRtc(): void {
    this.setRtc(this.now());
  }

  /** `hwclock -s`. */
  rtcToSystem(): void {
    this.setSystemTime(this.rtcNow());
  }
}
