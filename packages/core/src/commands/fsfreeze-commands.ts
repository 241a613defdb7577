import { inject, injectable } from 'inversify';
import { qapi } from '../dispatch/arg-spec.js';
import type { Command, CommandSpec } from '../dispatch/command.js';
import type { GuestFsfreezeStatus } from '../schema/guest-types.js';
import { FsFreezeController } from '../services/fsfreeze-controller.js';

/** guest-fsfreeze-status: the agent's own flag, not the kernel's. */
@injectable()
export class GuestFsfreezeStatusCommand implements Command<Record<string, never>, GuestFsfreezeStatus> {
  readonly spec: CommandSpec = { name: 'guest-fsfreeze-status', allowedWhileFrozen: true };

  constructor(@inject(FsFreezeController) private readonly freeze: FsFreezeController) {}

  run(): GuestFsfreezeStatus {
    return this.freeze.frozen ? 'frozen' : 'thawed';
  }
}

@injectable()
export class GuestFsfreezeFreezeCommand implements Command<Record<string, never>, number> {
  readonly spec: CommandSpec = { name: 'guest-fsfreeze-freeze' };

  constructor(@inject(FsFreezeController) private readonly freeze: FsFreezeController) {}

  run(): Promise<number> {
    return this.freeze.freeze();
  }
}

export interface GuestFsfreezeFreezeListArgs {
  readonly mountpoints?: readonly string[];
}

/** Only mounts whose directory matches an entry exactly; unknown entries are ignored, `[]` freezes nothing. */
@injectable()
export class GuestFsfreezeFreezeListCommand implements Command<GuestFsfreezeFreezeListArgs, number> {
  readonly spec: CommandSpec = { name: 'guest-fsfreeze-freeze-list', args: { '*mountpoints': qapi.list('str') } };

  constructor(@inject(FsFreezeController) private readonly freeze: FsFreezeController) {}

  run(args: GuestFsfreezeFreezeListArgs): Promise<number> {
    return this.freeze.freeze(args.mountpoints);
  }
}

@injectable()
export class GuestFsfreezeThawCommand implements Command<Record<string, never>, number> {
  readonly spec: CommandSpec = { name: 'guest-fsfreeze-thaw', allowedWhileFrozen: true };

  constructor(@inject(FsFreezeController) private readonly freeze: FsFreezeController) {}

  run(): Promise<number> {
    return this.freeze.thaw();
  }
}
