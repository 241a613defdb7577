/**
 * A service with work to do when the agent starts or stops (load persisted
 * state, thaw on exit, kill exec children). Multi-bound to INTERNAL_TOKENS.Lifecycle;
 * started in binding order, stopped in reverse.
 */
export interface Lifecycle {
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
