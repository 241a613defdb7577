import type { GuestLoadAverage } from '@qga/core';

/** Seconds between samples of the processor queue length (qemu-ga's). */
export const LOAD_SAMPLE_SECONDS = 5;

/** Linux's damping: e^(-5/60), e^(-5/300), e^(-5/900) for the 1, 5 and 15 minute averages. */
const DECAY = [60, 300, 900].map((window) => Math.exp(-LOAD_SAMPLE_SECONDS / window)) as [number, number, number];

/** One sample folded into the moving averages (pure). */
export function nextLoad(previous: GuestLoadAverage, queueLength: number): GuestLoadAverage {
  const fold = (avg: number, decay: number): number => avg * decay + queueLength * (1 - decay);
  return {
    load1m: fold(previous.load1m, DECAY[0]),
    load5m: fold(previous.load5m, DECAY[1]),
    load15m: fold(previous.load15m, DECAY[2]),
  };
}
