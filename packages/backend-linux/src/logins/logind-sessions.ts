import type { GuestUser } from '@qga/core';

/** What guest-get-users needs of one logind session (the state file logind keeps in /run/systemd/sessions). */
export interface LogindSession {
  readonly id: string;
  readonly user: string;
  readonly class: string;
  readonly state: string;
  readonly type: string;
  /** Session start, µs since the epoch (logind's REALTIME). */
  readonly realtimeUs: number | undefined;
}

/**
 * One `/run/systemd/sessions/<id>` file: `KEY=VALUE` lines, the data sd-login's
 * sd_session_get_*() calls read. undefined without a USER.
 */
export function parseSessionFile(id: string, text: string): LogindSession | undefined {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !line.startsWith('#')) kv.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const user = kv.get('USER');
  if (user === undefined || user === '') return undefined;
  const rt = kv.get('REALTIME');
  return {
    id,
    user,
    class: kv.get('CLASS') ?? 'user',
    state: kv.get('STATE') ?? '',
    type: kv.get('TYPE') ?? '',
    realtimeUs: rt !== undefined && /^\d+$/.test(rt) ? Number(rt) : undefined,
  };
}

/**
 * The sessions utmp would list: class `user*` (not greeter, lock-screen,
 * background or manager), not closing, and of a login type (tty, x11,
 * wayland, mir, web) — `unspecified` sessions are cron jobs and pty-less ssh
 * commands, which never get a utmp record either. One entry per user, in
 * session order, with the earliest login (µs precision, as utmp's timeval).
 */
export function usersFromSessions(sessions: readonly LogindSession[]): GuestUser[] {
  const byName = new Map<string, GuestUser>();
  for (const s of sessions) {
    if (!s.class.startsWith('user') || s.state === 'closing') continue;
    if (s.type === 'unspecified' || s.type === '' || s.realtimeUs === undefined) continue;
    const t = s.realtimeUs / 1e6;
    const seen = byName.get(s.user);
    if (seen === undefined) byName.set(s.user, { user: s.user, 'login-time': t });
    else if (t < seen['login-time']) seen['login-time'] = t;
  }
  return [...byName.values()];
}
