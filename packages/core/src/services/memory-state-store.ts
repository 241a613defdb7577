import { INT64_MAX } from '../protocol/json-value.js';
import { QgaError } from '../protocol/qga-error.js';
import type { StateStore } from './state-store.js';

export interface MemoryStateStoreOptions {
  /** First handle to hand out (default 1000, as qemu-ga). */
  readonly firstHandle?: bigint;
  /** Pretend the previous instance died frozen. */
  readonly startedFrozen?: boolean;
}

/** StateStore without a state directory: the counter lives as long as the agent. */
export class MemoryStateStore implements StateStore {
  private counter: bigint;
  private marker = false;
  readonly startedFrozen: boolean;

  constructor(options: MemoryStateStoreOptions = {}) {
    this.counter = options.firstHandle ?? 1000n;
    this.startedFrozen = options.startedFrozen ?? false;
    this.marker = this.startedFrozen;
  }

  /** Whether the (virtual) isfrozen marker exists. */
  get frozenMarker(): boolean {
    return this.marker;
  }

  async load(): Promise<void> {}

  async nextHandle(): Promise<bigint> {
    const handle = this.counter;
    // qemu-ga aborts here; an error reply is kinder and just as safe.
    if (handle >= INT64_MAX - 1n) throw new QgaError('file handle counter exhausted');
    this.counter = handle + 1n;
    return handle;
  }

  async setFrozenMarker(frozen: boolean): Promise<void> {
    this.marker = frozen;
  }
}
