import { inject, injectable } from 'inversify';
import type { Command, CommandSpec } from '../dispatch/command.js';
import type { TimePort } from '../ports/time-port.js';
import { QgaError } from '../protocol/qga-error.js';
import { TOKENS } from '../tokens.js';

/** guest-get-time: wall clock in ns since the epoch (about 1.7e18, beyond 2^53). */
@injectable()
export class GuestGetTimeCommand implements Command<Record<string, never>, bigint> {
  readonly spec: CommandSpec = { name: 'guest-get-time' };

  constructor(@inject(TOKENS.TimePort) private readonly time: TimePort) {}

  run(): bigint {
    return this.time.now();
  }
}

export interface GuestSetTimeArgs {
  readonly time?: bigint;
}

/**
 * The range checks qemu-ga makes before settimeofday (docs/commands.md#guest-set-time): the
 * seconds must fit time_t (only reachable with a 32-bit time_t) and fall in
 * the years [1970, 2070) of local time. Seconds truncate toward zero, as C
 * division does.
 */
export function checkSettableTime(ns: bigint, timeTBits = 64): void {
  const seconds = ns / 1_000_000_000n;
  const limit = 1n << BigInt(timeTBits - 1);
  if (seconds >= limit || seconds < -limit) throw new QgaError(`Time ${ns} is too large`);
  const year = new Date(Number(seconds) * 1000).getFullYear();
  if (!(year >= 1970 && year < 2070)) throw new QgaError('Invalid time');
}

/** guest-set-time: with `time`, set the clock then the RTC; without, set the clock from the RTC. */
@injectable()
export class GuestSetTimeCommand implements Command<GuestSetTimeArgs, void> {
  readonly spec: CommandSpec = { name: 'guest-set-time', args: { '*time': 'int' } };

  constructor(@inject(TOKENS.TimePort) private readonly time: TimePort) {}

  async run(args: GuestSetTimeArgs): Promise<void> {
    if (args.time !== undefined) checkSettableTime(args.time);
    await this.time.setTime(args.time);
  }
}
