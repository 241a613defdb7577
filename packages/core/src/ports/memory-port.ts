import type { GuestMemoryBlock, GuestMemoryBlockInfo, GuestMemoryBlockResponse } from '../schema/guest-types.js';

/** Hot-pluggable memory blocks: list them, change their state, read the block size. */
export interface MemoryPort {
  /** Every memory block the guest can report. */
  blocks(): Promise<GuestMemoryBlock[]>;
  /**
   * Bring one block online or offline; the response says how it went, it does not throw for a
   * refused block.
   */
  setBlock(block: { physIndex: bigint; online: boolean }): Promise<GuestMemoryBlockResponse>;
  /** The size of one memory block. */
  blockInfo(): Promise<GuestMemoryBlockInfo>;
}
