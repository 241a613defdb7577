import { endianness } from 'node:os';
import { inject, injectable, optional } from 'inversify';
import type { GuestUser } from '@qga/core';
import { runCommand } from '../exec/run-command.js';
import { readBytesOrUndefined } from '../proc/fs-read.js';
import { helperRunOptions, LINUX_INVENTORY_CONFIG, resolveInventoryConfig, type LinuxInventoryConfig, type LinuxInventoryOptions } from '../proc/inventory-config.js';
import { parseSessionIds, parseShowSession, usersFromSessions } from './loginctl-parser.js';
import { parseUtmp, usersFromUtmp } from './utmp-parser.js';

const SESSION_PROPERTIES = ['Id', 'Name', 'Timestamp', 'TimestampMonotonic', 'Class', 'Type', 'State', 'Remote'];

/**
 * guest-get-users on Linux: systemd-logind first (via loginctl), the utmp
 * file as fallback (Debian 13 has no utmp; containers often have no logind).
 * Combined with part 1's setPassword into the UsersPort by the module.
 */
@injectable()
export class LinuxLogins {
  private readonly cfg: LinuxInventoryConfig;
  private readonly loginTimes = new Map<string, number>();

  constructor(@inject(LINUX_INVENTORY_CONFIG) @optional() config?: LinuxInventoryOptions) {
    this.cfg = resolveInventoryConfig(config);
  }

  async loggedIn(): Promise<GuestUser[]> {
    const fromLogind = await this.fromLogind();
    return fromLogind ?? this.fromUtmp();
  }

  /** undefined when logind cannot be asked (no loginctl, no systemd, no bus, timeout). */
  async fromLogind(): Promise<GuestUser[] | undefined> {
    const opts = { ...helperRunOptions(this.cfg), extraEnv: { TZ: 'UTC', SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0' } };
    const list = await runCommand([this.cfg.programs.loginctl, 'list-sessions', '--no-legend', '--no-pager'], opts);
    if (list.exitCode !== 0) return undefined;
    const ids = parseSessionIds(list.output);
    if (ids.length === 0) return [];
    const args = ['show-session', '--no-pager', ...SESSION_PROPERTIES.flatMap((p) => ['-p', p]), ...ids];
    const clockBefore = clockPair();
    const show = await runCommand([this.cfg.programs.loginctl, ...args], opts);
    // A session that ended between the two calls makes show-session fail for that id only; keep the rest.
    if (show.exitCode === null || show.execError !== undefined) return undefined;
    if (this.loginTimes.size > 4096) this.loginTimes.clear();
    return usersFromSessions(parseShowSession(show.output), clockBefore, this.loginTimes);
  }

  /** utmp records; a missing or unreadable file means nobody (getutxent's behaviour). */
  async fromUtmp(): Promise<GuestUser[]> {
    const bytes = await readBytesOrUndefined(this.cfg.utmpPath);
    if (bytes === undefined) return [];
    return usersFromUtmp(parseUtmp(bytes, endianness() === 'LE'));
  }
}

function clockPair(): { realtimeUs: number; monotonicUs: number } {
  const mono = process.hrtime.bigint(); // CLOCK_MONOTONIC on Linux, the clock logind's *Monotonic values use
  return { realtimeUs: Date.now() * 1000, monotonicUs: Number(mono / 1000n) };
}
