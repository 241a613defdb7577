import { inject, injectable } from 'inversify';
import type { Command, CommandSpec } from '../dispatch/command.js';
import type { FsTrimPort } from '../ports/fsfreeze-port.js';
import type { GuestFilesystemTrimResponse } from '../schema/guest-types.js';
import { TOKENS } from '../tokens.js';

export interface GuestFstrimArgs {
  readonly minimum?: bigint;
}

/** guest-fstrim: per-path results; a path that fails carries `error` instead of failing the command. */
@injectable()
export class GuestFstrimCommand implements Command<GuestFstrimArgs, GuestFilesystemTrimResponse> {
  readonly spec: CommandSpec = { name: 'guest-fstrim', args: { '*minimum': 'int' } };

  constructor(@inject(TOKENS.FsTrimPort) private readonly trim: FsTrimPort) {}

  async run(args: GuestFstrimArgs): Promise<GuestFilesystemTrimResponse> {
    return { paths: await this.trim.trim(args.minimum ?? 0n) };
  }
}
