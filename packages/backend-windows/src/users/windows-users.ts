import { inject, injectable, optional } from 'inversify';
import { QgaError, type GuestUser, type UsersPort } from '@qga/core';
import { win32, type Ptr } from '../win32/win32-api.js';
import { Win32Error } from '../win32/win32-error.js';
import { readWide } from '../win32/wide-string.js';
import { sessionUsers, type WtsSession } from './session-users.js';
import { setPasswordInfo, type NetUserSetInfoCall } from './net-user.js';
import { WINDOWS_TOKENS } from '../tokens.js';

const WTSUserName = 5;
const WTSDomainName = 7;
const WTSSessionInfo = 24;

/** Logged-in users from the Terminal Services sessions; passwords through NetAPI. */
@injectable()
export class WindowsUsers implements UsersPort {
  constructor(@inject(WINDOWS_TOKENS.NetUserSetInfo) @optional() private readonly netUserSetInfo?: NetUserSetInfoCall) {}

  async loggedIn(): Promise<GuestUser[]> {
    const api = win32();
    const info: [Ptr] = [null];
    const count: [number] = [0];
    if (!api.WTSEnumerateSessionsW(0, 0, 1, info, count)) throw new Win32Error('WTSEnumerateSessionsW', api.GetLastError());
    try {
      // WTS_SESSION_INFOW: SessionId u32 @0, pWinStationName @8, State @16; 24 bytes.
      const table = count[0] > 0 ? Buffer.from(api.koffi.view(info[0], count[0] * 24)) : Buffer.alloc(0);
      const sessions: WtsSession[] = [];
      for (let i = 0; i < count[0]; i++) {
        const id = table.readUInt32LE(i * 24);
        const user = this.query(id, WTSUserName);
        if (user === undefined || user.length === 0) continue;
        const details = this.query(id, WTSSessionInfo);
        // WTSINFOW.LogonTime is a LARGE_INTEGER at offset 200.
        const logonTime = details !== undefined && details.length >= 208 ? details.readBigInt64LE(200) : 0n;
        sessions.push({ user: readWide(user), domain: readWide(this.query(id, WTSDomainName) ?? Buffer.alloc(2)), logonTime });
      }
      return sessionUsers(sessions);
    } finally {
      api.WTSFreeMemory(info[0]);
    }
  }

  private query(session: number, infoClass: number): Buffer | undefined {
    const api = win32();
    const buf: [Ptr] = [null];
    const bytes: [number] = [0];
    if (!api.WTSQuerySessionInformationW(0, session, infoClass, buf, bytes)) return undefined;
    try {
      return bytes[0] > 0 ? Buffer.from(api.koffi.view(buf[0], bytes[0])) : Buffer.alloc(0);
    } finally {
      api.WTSFreeMemory(buf[0]);
    }
  }

  async setPassword(user: string, password: string, crypted: boolean): Promise<void> {
    if (crypted) throw new QgaError("'crypted' must be off on this host");
    setPasswordInfo(user, password, this.netUserSetInfo);
  }
}
