import { decodeMountName } from './decode-mount-name.js';

/** One line of /proc/self/mountinfo (fields we use). */
export interface MountinfoEntry {
  readonly mountId: number;
  readonly parentId: number;
  readonly major: number;
  readonly minor: number;
  /** Root of the mount within its filesystem (`/` unless a bind of a subdirectory). */
  readonly root: string;
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
}

/**
 * Parse /proc/self/mountinfo:
 * `id parent major:minor root mountpoint options [optional...] - fstype source superoptions`.
 * Malformed lines are skipped, never fatal.
 */
export function parseMountinfo(text: string): MountinfoEntry[] {
  const out: MountinfoEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const head = line.slice(0, sep).split(' ');
    const tail = line.slice(sep + 3).split(' ');
    if (head.length < 6 || tail.length < 1 || tail[0] === '') continue;
    const devno = /^(\d+):(\d+)$/.exec(head[2]!);
    if (devno === null) continue;
    const mountId = Number(head[0]);
    const parentId = Number(head[1]);
    if (!Number.isInteger(mountId) || !Number.isInteger(parentId)) continue;
    out.push({
      mountId,
      parentId,
      major: Number(devno[1]),
      minor: Number(devno[2]),
      root: decodeMountName(head[3]!),
      mountPoint: decodeMountName(head[4]!),
      fsType: tail[0]!,
      source: decodeMountName(tail[1] ?? ''),
    });
  }
  return out;
}
