/**
 * Persistent agent state (docs/agent.md#state-directory): the file-handle counter in
 * `<statedir>/qga.state` and the `qga.state.isfrozen` marker.
 */
export interface StateStore {
  /** Read state at startup; throws with a clear message when unreadable. */
  load(): Promise<void>;
  /** True when the marker said the previous instance died frozen. */
  readonly startedFrozen: boolean;
  /** Allocate the next file handle (starting at 1000) and persist the counter. */
  nextHandle(): Promise<bigint>;
  /** Create (true) or delete (false) the isfrozen marker. */
  setFrozenMarker(frozen: boolean): Promise<void>;
}
