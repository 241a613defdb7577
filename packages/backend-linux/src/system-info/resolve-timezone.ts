import { join } from 'node:path';
import type { GuestTimezone } from '@qga/core';
import { parsePosixTz, posixTzAt } from './posix-tz.js';
import { tzifZoneAt, type TzifZone } from './tzif-parser.js';

export interface TimezoneInputs {
  /** $TZ; undefined when unset. */
  readonly tz: string | undefined;
  /** $TZDIR or the default zone database directory. */
  readonly zoneinfoDir: string;
  /** /etc/localtime. */
  readonly localtimePath: string;
  /** Reads and parses a zone file (undefined when missing, not a regular file or not TZif). */
  readonly loadZone: (path: string) => Promise<TzifZone | undefined>;
  /** Seconds since the epoch. */
  readonly now: number;
}

/** `Z`, `+hh`, `+hhmm`, `+hh:mm` (and seconds): GLib's constant-offset identifiers. */
const CONSTANT_OFFSET = /^([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?$/;

const UTC: GuestTimezone = { zone: 'UTC', offset: 0 };

/**
 * The local zone as GLib's g_time_zone_new_local() resolves it (qemu-ga's
 * source): TZ unset → /etc/localtime; "UTC" → UTC; a constant offset
 * (`+05:30`, `Z`) → that offset, named as written; else a zone file (absolute
 * path, or relative to TZDIR; a leading `:` is dropped); else a POSIX rule
 * string; anything else → UTC. `zone` is the abbreviation in effect now and
 * is omitted when empty; `offset` is seconds east of UTC.
 */
export async function resolveTimezone(inp: TimezoneInputs): Promise<GuestTimezone> {
  if (inp.tz === undefined) {
    const zone = await inp.loadZone(inp.localtimePath);
    return zone === undefined ? UTC : named(tzifZoneAt(zone, inp.now));
  }
  const id = inp.tz;
  if (id === 'UTC') return UTC;
  if (id === 'Z') return { zone: 'Z', offset: 0 };
  const c = CONSTANT_OFFSET.exec(id);
  if (c !== null) {
    const h = Number(c[2]);
    const m = c[3] === undefined ? 0 : Number(c[3]);
    const s = c[4] === undefined ? 0 : Number(c[4]);
    if (h <= 24 && m < 60 && s < 60) return { zone: id, offset: (c[1] === '-' ? -1 : 1) * (h * 3600 + m * 60 + s) };
  }
  const fileId = id.startsWith(':') ? id.slice(1) : id;
  if (fileId !== '') {
    const path = fileId.startsWith('/') ? fileId : join(inp.zoneinfoDir, fileId);
    const zone = await inp.loadZone(path);
    if (zone !== undefined) return named(tzifZoneAt(zone, inp.now));
  }
  const rule = parsePosixTz(fileId);
  if (rule !== undefined) return named(posixTzAt(rule, inp.now));
  return UTC;
}

function named(z: { abbr: string; offset: number }): GuestTimezone {
  return z.abbr === '' ? { offset: z.offset } : { zone: z.abbr, offset: z.offset };
}
