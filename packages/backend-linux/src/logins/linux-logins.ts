import { existsSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { inject, injectable, optional } from 'inversify';
import type { GuestUser } from '@qga/core';
import { listDir, readBytesOrUndefined, readTextOrUndefined } from '../proc/fs-read.js';
import { resolveInventoryConfig, type LinuxInventoryConfig, type LinuxInventoryOptions } from '../proc/inventory-config.js';
import { IO_CONCURRENCY, mapLimit } from '../proc/map-limit.js';
import { parseSessionFile, usersFromSessions, type LogindSession } from './logind-sessions.js';
import { parseUtmp, usersFromUtmp } from './utmp-parser.js';
import { LINUX_TOKENS } from '../tokens.js';
/**
 * guest-get-users on Linux. Where systemd-logind runs (systemd is PID 1:
 * /run/systemd/system, and logind is up: /run/systemd/seats — the checks
 * sd_booted(3) and sd-login make), its session state files are read, as
 * sd-login reads them: no loginctl process, no D-Bus round trip. Elsewhere
 * the utmp file, as qemu-ga (Debian 13 has no utmp; containers and busybox
 * guests often have no logind). Both checks are two stat calls per request,
 * so a logind that starts or stops later is seen at once.
 * Combined with part 1's setPassword into the UsersPort by the module.
 */
@injectable()
export class LinuxLogins {
  private readonly cfg: LinuxInventoryConfig;

  constructor(@inject(LINUX_TOKENS.InventoryConfig) @optional() config?: LinuxInventoryOptions) {
    this.cfg = resolveInventoryConfig(config);
  }

  async loggedIn(): Promise<GuestUser[]> {
    const fromLogind = await this.fromLogind();
    return fromLogind ?? this.fromUtmp();
  }

  /** undefined when logind is not running here (then utmp is the source). */
  async fromLogind(): Promise<GuestUser[] | undefined> {
    const run = this.cfg.systemdRunDir;
    if (!existsSync(join(run, 'system')) || !existsSync(join(run, 'seats'))) return undefined;
    const dir = join(run, 'sessions');
    let names: string[];
    try {
      names = (await listDir(dir)).map((e) => e.name).filter((n) => !n.includes('.'));
    } catch {
      return undefined;
    }
    // readdir order is arbitrary: sort like logind's numeric session ids (then the rest).
    names.sort((a, b) => (/^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
    const sessions = await mapLimit(names, IO_CONCURRENCY, async (n) => {
      const text = await readTextOrUndefined(join(dir, n)); // a session that just ended is simply gone
      return text === undefined ? undefined : parseSessionFile(n, text);
    });
    return usersFromSessions(sessions.filter((s): s is LogindSession => s !== undefined));
  }

  /** utmp records; a missing or unreadable file means nobody (getutxent's behaviour). */
  async fromUtmp(): Promise<GuestUser[]> {
    // access() first: a failing open's ENOENT error costs more than the rest of the command (Debian 13 has no utmp).
    if (!existsSync(this.cfg.utmpPath)) return [];
    const bytes = await readBytesOrUndefined(this.cfg.utmpPath);
    if (bytes === undefined) return [];
    return usersFromUtmp(parseUtmp(bytes, endianness() === 'LE'));
  }
}
