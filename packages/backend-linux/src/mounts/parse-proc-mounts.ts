import { decodeMountName } from './decode-mount-name.js';

/** One line of /proc/self/mounts (the mtab format). */
export interface MtabEntry {
  readonly fsname: string;
  readonly dir: string;
  readonly type: string;
}

/** Parse the mtab format `fsname dir type options freq passno`; short lines are skipped. */
export function parseProcMounts(text: string): MtabEntry[] {
  const out: MtabEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/[ \t]+/);
    if (f.length < 3 || f[0] === '' || f[0]!.startsWith('#')) continue;
    out.push({ fsname: decodeMountName(f[0]!), dir: decodeMountName(f[1]!), type: f[2]! });
  }
  return out;
}
