import { injectable } from 'inversify';
import type { Command, CommandContext } from '../../dispatch/command.js';

interface SyncArgs {
  id: bigint;
}

/** guest-sync: echo the id so a host can tell fresh replies from stale ones. */
@injectable()
export class SyncCommand implements Command<SyncArgs, bigint> {
  readonly spec = { name: 'guest-sync', args: { id: 'int' }, allowedWhileFrozen: true } as const;

  run(args: SyncArgs): bigint {
    return args.id;
  }
}

/** guest-sync-delimited: like guest-sync, with a 0xFF byte before the reply (docs/protocol.md#recovery-and-0xff). */
@injectable()
export class SyncDelimitedCommand implements Command<SyncArgs, bigint> {
  readonly spec = { name: 'guest-sync-delimited', args: { id: 'int' }, allowedWhileFrozen: true } as const;

  run(args: SyncArgs, ctx: CommandContext): bigint {
    ctx.delimitReply();
    return args.id;
  }
}
