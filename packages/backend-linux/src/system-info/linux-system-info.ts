import { hostname, machine, release, version } from 'node:os';
import { join } from 'node:path';
import { inject, injectable, optional } from 'inversify';
import { QgaError, type GuestLoadAverage, type GuestOSInfo, type GuestTimezone, type SystemInfoPort } from '@qga/core';
import { errorText } from '@qga/core/internal';
import { readText, StatKeyedCache } from '../proc/fs-read.js';
import { resolveInventoryConfig, type LinuxInventoryConfig, type LinuxInventoryOptions } from '../proc/inventory-config.js';
import { parseLoadavg } from './loadavg-parser.js';
import { osReleaseFields, parseOsReleaseBytes } from './os-release-parser.js';
import { resolveTimezone } from './resolve-timezone.js';
import { parseTzif, type TzifZone } from './tzif-parser.js';
import { LINUX_TOKENS } from '../tokens.js';

const MAX_OS_RELEASE = 1 << 20;
const MAX_TZIF = 1 << 20;

let identity: Pick<GuestOSInfo, 'kernel-release' | 'kernel-version' | 'machine'> | undefined;

/**
 * uname()'s release, version and machine: fixed for as long as the kernel
 * runs (only the host name in uname can change), so asked once instead of
 * three uname calls per guest-get-osinfo.
 */
function kernelIdentity(): Pick<GuestOSInfo, 'kernel-release' | 'kernel-version' | 'machine'> {
  identity ??= { 'kernel-release': release(), 'kernel-version': version(), machine: machine() };
  return identity;
}

/** guest-get-osinfo, -host-name, -timezone, -load on Linux. */
@injectable()
export class LinuxSystemInfo implements SystemInfoPort {
  private readonly cfg: LinuxInventoryConfig;
  // Hosts poll osinfo and timezone every few seconds: parse the files again only when they change.
  private readonly osRelease = new StatKeyedCache<ReturnType<typeof parseOsReleaseBytes>>(MAX_OS_RELEASE);
  private readonly zones = new StatKeyedCache<TzifZone>(MAX_TZIF);
  private lastOsInfo: { keys: ReturnType<typeof parseOsReleaseBytes>; info: GuestOSInfo } | undefined;

  constructor(@inject(LINUX_TOKENS.InventoryConfig) @optional() config?: LinuxInventoryOptions) {
    this.cfg = resolveInventoryConfig(config);
  }

  async osInfo(): Promise<GuestOSInfo> {
    const info: GuestOSInfo = { ...kernelIdentity() };
    // $QGA_OS_RELEASE (even empty) replaces the search, as upstream; otherwise first parsable file wins.
    const override = this.cfg.env['QGA_OS_RELEASE'];
    const candidates = override !== undefined ? [override] : this.cfg.osReleasePaths;
    for (const path of candidates) {
      const keys = await this.osRelease.get(path, parseOsReleaseBytes);
      if (keys !== undefined) {
        // The same parse (file unchanged) gives the same answer: build it once per parse.
        if (this.lastOsInfo?.keys !== keys) this.lastOsInfo = { keys, info: { ...info, ...osReleaseFields(keys) } };
        return this.lastOsInfo.info;
      }
    }
    return info;
  }

  async hostName(): Promise<string> {
    try {
      return hostname();
    } catch (e) {
      throw new QgaError(`cannot get hostname: ${errorText(e)}`);
    }
  }

  async timezone(): Promise<GuestTimezone> {
    return resolveTimezone({
      tz: this.cfg.env['TZ'],
      zoneinfoDir: this.cfg.env['TZDIR'] ?? this.cfg.zoneinfoDir,
      localtimePath: this.cfg.localtimePath,
      loadZone: (p) => this.zones.get(p, parseTzif),
      now: Math.floor(Date.now() / 1000),
    });
  }

  async load(): Promise<GuestLoadAverage> {
    let text: string;
    try {
      text = await readText(join(this.cfg.procRoot, 'loadavg'));
    } catch (e) {
      throw new QgaError(`cannot query load average: ${errorText(e)}`);
    }
    const avg = parseLoadavg(text);
    if (avg === undefined) throw new QgaError('cannot query load average: Invalid argument');
    return avg;
  }
}
