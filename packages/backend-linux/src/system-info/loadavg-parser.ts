import type { GuestLoadAverage } from '@qga/core';

/** `/proc/loadavg` ("0.03 0.08 0.03 1/102 4507") → the three averages; undefined if malformed. */
export function parseLoadavg(text: string): GuestLoadAverage | undefined {
  const f = text.trim().split(/\s+/);
  if (f.length < 3) return undefined;
  const [a, b, c] = f.slice(0, 3).map((s) => (/^\d+(\.\d+)?$/.test(s) ? Number(s) : NaN)) as [number, number, number];
  if (Number.isNaN(a) || Number.isNaN(b) || Number.isNaN(c)) return undefined;
  return { load1m: a, load5m: b, load15m: c };
}
