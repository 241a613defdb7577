import { QgaError, type GuestMemoryBlock, type GuestMemoryBlockInfo, type GuestMemoryBlockResponse, type MemoryPort } from '@qga/core';
import { errnoNumber } from '@qga/core/internal';
import type { FailureQueue } from '../failures.js';
import type { MockGuest } from '../mock-guest.js';

/** Memory blocks as Linux sysfs shows them (`guest.memory.sysfs = false` models a kernel without it). */
export class MockMemory implements MemoryPort {
  constructor(
    private readonly guest: MockGuest,
    private readonly failures: FailureQueue,
  ) {}

  async blocks(): Promise<GuestMemoryBlock[]> {
    this.failures.check('memory.blocks');
    if (!this.guest.memory.sysfs) return [];
    if (this.guest.memory.blocks.length === 0) throw new QgaError('guest reported zero memory blocks!');
    return this.guest.memory.blocks.map((b) => ({ 'phys-index': b.physIndex, online: b.online, 'can-offline': b.removable }));
  }

  async setBlock(request: { physIndex: bigint; online: boolean }): Promise<GuestMemoryBlockResponse> {
    this.failures.check('memory.setBlock');
    const physIndex = request.physIndex;
    const block = this.guest.memory.sysfs ? this.guest.memory.blocks.find((b) => b.physIndex === physIndex) : undefined;
    if (block === undefined) return { 'phys-index': physIndex, response: 'not-found', 'error-code': errnoNumber('ENOENT') ?? 0 };
    if (block.online === request.online) return { 'phys-index': physIndex, response: 'success' };
    if (!request.online && !block.removable) return { 'phys-index': physIndex, response: 'operation-not-supported' };
    if (block.failWith !== undefined) {
      return { 'phys-index': physIndex, response: 'operation-failed', 'error-code': errnoNumber(block.failWith) ?? 0 };
    }
    block.online = request.online;
    return { 'phys-index': physIndex, response: 'success' };
  }

  async blockInfo(): Promise<GuestMemoryBlockInfo> {
    this.failures.check('memory.blockInfo');
    if (!this.guest.memory.sysfs) {
      throw new QgaError('open("/sys/devices/system/memory/block_size_bytes"): No such file or directory');
    }
    return { size: this.guest.memory.blockSize };
  }
}
