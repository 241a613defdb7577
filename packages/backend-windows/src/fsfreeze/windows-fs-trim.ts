import { injectable } from 'inversify';
import { QgaError, type FsTrimPort, type GuestFilesystemTrimResult } from '@qga/core';
import { win32 } from '../win32/win32-api.js';
import { readMultiWide } from '../win32/wide-string.js';
import { runCaptured } from '../exec/run-captured.js';
import { defragError } from './defrag-output.js';

const DRIVE_FIXED = 3;

/** guest-fstrim: `defrag.exe /L` per fixed volume (Windows 8+); `trimmed`/`minimum` are never set, as in qemu-ga. */
@injectable()
export class WindowsFsTrim implements FsTrimPort {
  async trim(_minimum: bigint): Promise<GuestFilesystemTrimResult[]> {
    const api = win32();
    const version = Buffer.alloc(284);
    version.writeUInt32LE(284, 0);
    api.RtlGetVersion(version);
    const major = version.readUInt32LE(4),
      minor = version.readUInt32LE(8);
    if (major < 6 || (major === 6 && minor < 2)) throw new QgaError('fstrim is only supported for Win8+');
    const drives = Buffer.alloc(2 * 512);
    const n = api.GetLogicalDriveStringsW(512, drives);
    const results: GuestFilesystemTrimResult[] = [];
    for (const root of readMultiWide(drives, n * 2)) {
      if (api.GetDriveTypeW(root) !== DRIVE_FIXED) continue;
      const run = await runCaptured('defrag.exe', [root, '/L'], 10 * 60_000);
      const error = run.exitCode === -1 ? `failed to run defrag.exe: ${run.error ?? 'unknown error'}` : defragError(run.output);
      results.push({ path: root, ...(error !== undefined && { error }) });
    }
    return results;
  }
}
