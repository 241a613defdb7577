import { inject, injectable, optional } from 'inversify';
import { QgaError, type TimePort } from '@qga/core';
import { win32 } from '../win32/win32-api.js';
import { win32ErrorMessage } from '../win32/win32-error.js';
import { acquirePrivilege } from '../win32/privilege.js';
import { fileTimeToUnixNs, unixNsToFileTime } from '../win32/file-time.js';
import { runCaptured } from '../exec/run-captured.js';
import { WINDOWS_TOKENS } from '../tokens.js';

/**
 * The clock through Win32. Setting it needs SeSystemtimePrivilege; without a
 * time, Windows cannot read the RTC, so (as qemu-ga) the Windows Time service
 * is asked to resync.
 */
@injectable()
export class WindowsTime implements TimePort {
  constructor(@inject(WINDOWS_TOKENS.W32tmPath) @optional() private readonly w32tm: string = 'w32tm') {}

  now(): bigint {
    const ft = Buffer.alloc(8);
    win32().GetSystemTimePreciseAsFileTime(ft);
    // Microsecond resolution, as qemu-ga (g_get_real_time() * 1000).
    return (fileTimeToUnixNs(ft.readBigUInt64LE(0)) / 1000n) * 1000n;
  }

  async setTime(ns?: bigint): Promise<void> {
    if (ns === undefined) return this.resync();
    const api = win32();
    acquirePrivilege('SeSystemtimePrivilege');
    const ft = Buffer.alloc(8);
    ft.writeBigUInt64LE(unixNsToFileTime(ns));
    const st = Buffer.alloc(16);
    if (!api.FileTimeToSystemTime(ft, st)) throw new QgaError(`Failed to convert time: ${win32ErrorMessage(api.GetLastError())}`);
    if (!api.SetSystemTime(st)) throw new QgaError(`Failed to set time to guest: ${win32ErrorMessage(api.GetLastError())}`);
  }

  private async resync(): Promise<void> {
    const result = await runCaptured(this.w32tm, ['/resync', '/nowait']);
    const output = result.output.trim();
    if (/0x80070426/i.test(output)) throw new QgaError('Windows Time service not running on the guest');
    // Stub w32tm programs exit 0 and print nothing: that is not a resync.
    if (result.exitCode !== 0 || output === '') {
      const code = /\(0x[0-9a-f]+\)/i.exec(output)?.[0] ?? `(0x${(result.exitCode >>> 0).toString(16)})`;
      throw new QgaError(`w32tm failed with error ${code}: ${output || result.error || 'no output'}`);
    }
  }
}
