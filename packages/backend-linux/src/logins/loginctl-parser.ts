import type { GuestUser } from '@qga/core';

/** Session ids from `loginctl list-sessions --no-legend` (first column, any systemd version). */
export function parseSessionIds(text: string): string[] {
  const ids: string[] = [];
  for (const line of text.split('\n')) {
    const id = line.trim().split(/\s+/)[0];
    if (id !== undefined && id !== '' && /^[A-Za-z0-9_-]+$/.test(id)) ids.push(id);
  }
  return ids;
}

/** `loginctl show-session ID... -p ...`: `Key=Value` blocks separated by blank lines. */
export function parseShowSession(text: string): Array<Map<string, string>> {
  const out: Array<Map<string, string>> = [];
  let cur: Map<string, string> | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      cur = undefined;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    if (cur === undefined) {
      cur = new Map();
      out.push(cur);
    }
    cur.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}

/** systemd's `Timestamp=` text ("Thu 2026-11-26 08:00:00 UTC", TZ=UTC forced) → seconds; undefined otherwise. */
export function parseSystemdUtcTimestamp(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (UTC|GMT)$/.exec(text.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac] = m;
  const whole = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
  return frac === undefined ? whole : whole + Number(frac.padEnd(6, '0')) / 1e6;
}

/** Wall clock and CLOCK_MONOTONIC read at the same moment, in microseconds. */
export interface ClockPair {
  readonly realtimeUs: number;
  readonly monotonicUs: number;
}

/**
 * The sessions utmp would list: class `user*` (not greeter, lock-screen,
 * background or manager), not closing, and of a login type (tty, x11,
 * wayland, mir, web) — `unspecified` sessions are cron jobs and pty-less ssh
 * commands, which never get a utmp record either. One entry per user with
 * the earliest login. The time comes from TimestampMonotonic mapped to the
 * wall clock (microsecond precision) unless that disagrees with the
 * second-precision Timestamp by more than 2 s (clock stepped since login).
 * The mapping jitters by a millisecond between calls, hence the cache.
 */
export function usersFromSessions(
  sessions: ReadonlyArray<ReadonlyMap<string, string>>,
  clock: ClockPair,
  /** Login times already derived, by `Id/TimestampMonotonic`, so repeated calls answer the same value. */
  cache?: Map<string, number>,
): GuestUser[] {
  const byName = new Map<string, GuestUser>();
  for (const s of sessions) {
    const user = s.get('Name');
    if (user === undefined || user === '') continue;
    const cls = s.get('Class') ?? 'user';
    if (!cls.startsWith('user')) continue;
    if (s.get('State') === 'closing') continue;
    const type = s.get('Type') ?? '';
    if (type === 'unspecified' || type === '') continue;
    const key = `${s.get('Id') ?? ''}/${s.get('TimestampMonotonic') ?? ''}`;
    const t = cache?.get(key) ?? loginTime(s, clock);
    if (t === undefined) continue;
    cache?.set(key, t);
    const seen = byName.get(user);
    if (seen === undefined) byName.set(user, { user, 'login-time': t });
    else if (t < seen['login-time']) seen['login-time'] = t;
  }
  return [...byName.values()];
}

function loginTime(s: ReadonlyMap<string, string>, clock: ClockPair): number | undefined {
  const wall = parseSystemdUtcTimestamp(s.get('Timestamp'));
  const monoText = s.get('TimestampMonotonic');
  const mono = monoText !== undefined && /^\d+$/.test(monoText) ? Number(monoText) : 0;
  if (mono > 0) {
    const derived = (clock.realtimeUs - (clock.monotonicUs - mono)) / 1e6;
    if (wall === undefined || Math.abs(derived - wall) < 2) return Math.round(derived * 1e6) / 1e6;
  }
  return wall;
}
