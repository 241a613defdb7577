import type { GuestUser } from '@qga/core';
import { FILETIME_UNIX_EPOCH } from '../win32/file-time.js';

export interface WtsSession {
  readonly user: string;
  readonly domain: string;
  /** WTSINFOW.LogonTime (FILETIME). */
  readonly logonTime: bigint;
}

/**
 * Sessions → guest-get-users (pure): sessions without a user are skipped, and
 * each user (per domain) appears once with the earliest logon, in fractional
 * seconds since the epoch.
 */
export function sessionUsers(sessions: readonly WtsSession[]): GuestUser[] {
  const byUser = new Map<string, GuestUser>();
  for (const s of sessions) {
    if (s.user === '') continue;
    const loginTime = Number(s.logonTime - FILETIME_UNIX_EPOCH) / 1e7;
    const key = `${s.domain}\\${s.user}`.toLowerCase();
    const seen = byUser.get(key);
    if (seen === undefined) byUser.set(key, { user: s.user, 'login-time': loginTime, ...(s.domain !== '' && { domain: s.domain }) });
    else if (loginTime < seen['login-time']) seen['login-time'] = loginTime;
  }
  return [...byUser.values()];
}
