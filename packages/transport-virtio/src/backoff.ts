/** Delays between attempts to reopen a device: exponential, capped. */
export interface BackoffOptions {
  /** Delay after the first failure. */
  readonly initialMs: number;
  /** Ceiling; also the worst-case delay before noticing a host or a device that came back. */
  readonly maxMs: number;
  /** Growth per consecutive failure (default 2). */
  readonly factor?: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 20, maxMs: 1_000, factor: 2 };

/**
 * Delay before the next attempt after `failures` consecutive failures (1-based):
 * initialMs, initialMs·factor, … capped at maxMs. Deterministic on purpose:
 * one agent per port, so there is no herd to spread out with jitter.
 */
export function backoffDelay(failures: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  if (!(failures >= 1)) return 0;
  const factor = options.factor ?? 2;
  const raw = options.initialMs * Math.pow(factor, Math.min(failures - 1, 64));
  return Math.min(options.maxMs, Math.max(0, Math.round(raw)));
}

export function validateBackoff(options: BackoffOptions): BackoffOptions {
  const { initialMs, maxMs, factor = 2 } = options;
  if (!(Number.isFinite(initialMs) && initialMs > 0)) throw new Error(`backoff initialMs must be > 0, got ${String(initialMs)}`);
  if (!(Number.isFinite(maxMs) && maxMs >= initialMs)) throw new Error(`backoff maxMs must be >= initialMs, got ${String(maxMs)}`);
  if (!(Number.isFinite(factor) && factor >= 1)) throw new Error(`backoff factor must be >= 1, got ${String(factor)}`);
  return options;
}
