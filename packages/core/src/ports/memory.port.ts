import type { GuestMemoryBlock, GuestMemoryBlockInfo, GuestMemoryBlockResponse } from '../schema/guest-types.js';

export interface MemoryPort {
  blocks(): Promise<GuestMemoryBlock[]>;
  setBlock(block: { physIndex: bigint; online: boolean }): Promise<GuestMemoryBlockResponse>;
  blockInfo(): Promise<GuestMemoryBlockInfo>;
}
