/** The guest's clock: read it, set it, or set it from the hardware clock. */
export interface TimePort {
  /** Wall-clock time in nanoseconds since the epoch (microsecond resolution is fine). */
  now(): bigint;
  /**
   * With `ns`: set the system clock, then copy it to the RTC. Without: set the
   * system clock from the RTC. Range checks are done by core before the call.
   */
  setTime(ns?: bigint): Promise<void>;
}
