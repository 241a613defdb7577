import type { GuestUser } from '@qga/core';

/** glibc's `struct utmp` on Linux (all 64- and 32-bit ABIs): 384 bytes, 32-bit time fields. */
export const UTMP_RECORD_SIZE = 384;
export const USER_PROCESS = 7;

export interface UtmpRecord {
  readonly type: number;
  readonly pid: number;
  readonly line: string;
  readonly user: string;
  readonly host: string;
  readonly tvSec: number;
  readonly tvUsec: number;
}

function cString(buf: Uint8Array, start: number, len: number): string {
  const field = buf.subarray(start, start + len);
  const nul = field.indexOf(0);
  return Buffer.from(field.subarray(0, nul < 0 ? len : nul)).toString('utf8');
}

/**
 * Decode utmp records (native byte order of the machine that wrote them). A
 * trailing partial record is ignored, as getutxent() does. Fields are cut at
 * their size: upstream copies ut_user with strdup and so reads into ut_host
 * when a name fills all 32 bytes; we do not.
 */
export function parseUtmp(buf: Uint8Array, littleEndian = true): UtmpRecord[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: UtmpRecord[] = [];
  for (let at = 0; at + UTMP_RECORD_SIZE <= buf.length; at += UTMP_RECORD_SIZE) {
    out.push({
      type: view.getInt16(at, littleEndian),
      pid: view.getInt32(at + 4, littleEndian),
      line: cString(buf, at + 8, 32),
      user: cString(buf, at + 44, 32),
      host: cString(buf, at + 76, 256),
      tvSec: view.getInt32(at + 340, littleEndian),
      tvUsec: view.getInt32(at + 344, littleEndian),
    });
  }
  return out;
}

/**
 * guest-get-users from utmp: USER_PROCESS records, one entry per user in
 * order of first appearance, each with that user's earliest login as
 * fractional seconds (sec + usec / 1e6, the same double upstream computes).
 */
export function usersFromUtmp(records: readonly UtmpRecord[]): GuestUser[] {
  const byName = new Map<string, GuestUser>();
  for (const r of records) {
    if (r.type !== USER_PROCESS) continue;
    const t = r.tvSec + r.tvUsec / 1_000_000;
    const seen = byName.get(r.user);
    if (seen === undefined) byName.set(r.user, { user: r.user, 'login-time': t });
    else if (t < seen['login-time']) seen['login-time'] = t;
  }
  return [...byName.values()];
}
