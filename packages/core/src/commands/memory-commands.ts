import { inject, injectable } from 'inversify';
import { qapi } from '../dispatch/arg-spec.js';
import type { Command, CommandSpec } from '../dispatch/command.js';
import type { MemoryPort } from '../ports/memory-port.js';
import type { GuestMemoryBlock, GuestMemoryBlockInfo, GuestMemoryBlockResponse } from '../schema/guest-types.js';
import { TOKENS } from '../tokens.js';

@injectable()
export class GuestGetMemoryBlocksCommand implements Command<Record<string, never>, GuestMemoryBlock[]> {
  readonly spec: CommandSpec = { name: 'guest-get-memory-blocks' };

  constructor(@inject(TOKENS.MemoryPort) private readonly memory: MemoryPort) {}

  run(): Promise<GuestMemoryBlock[]> {
    return this.memory.blocks();
  }
}

export interface GuestSetMemoryBlocksArgs {
  readonly 'mem-blks': readonly { readonly 'phys-index': bigint; readonly online: boolean; readonly 'can-offline'?: boolean }[];
}

/**
 * guest-set-memory-blocks: one response per entry, in order. Per-block
 * failures are responses (`not-found`, `operation-failed` + errno); only an
 * unexpected port error fails the whole command, as in qemu-ga.
 */
@injectable()
export class GuestSetMemoryBlocksCommand implements Command<GuestSetMemoryBlocksArgs, GuestMemoryBlockResponse[]> {
  readonly spec: CommandSpec = {
    name: 'guest-set-memory-blocks',
    args: { 'mem-blks': qapi.list(qapi.struct({ 'phys-index': 'uint64', online: 'bool', '*can-offline': 'bool' })) },
  };

  constructor(@inject(TOKENS.MemoryPort) private readonly memory: MemoryPort) {}

  async run(args: GuestSetMemoryBlocksArgs): Promise<GuestMemoryBlockResponse[]> {
    const results: GuestMemoryBlockResponse[] = [];
    for (const block of args['mem-blks']) {
      results.push(await this.memory.setBlock({ physIndex: block['phys-index'], online: block.online }));
    }
    return results;
  }
}

@injectable()
export class GuestGetMemoryBlockInfoCommand implements Command<Record<string, never>, GuestMemoryBlockInfo> {
  readonly spec: CommandSpec = { name: 'guest-get-memory-block-info' };

  constructor(@inject(TOKENS.MemoryPort) private readonly memory: MemoryPort) {}

  run(): Promise<GuestMemoryBlockInfo> {
    return this.memory.blockInfo();
  }
}
