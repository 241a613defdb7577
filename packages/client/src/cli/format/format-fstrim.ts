import type { GuestFilesystemTrimResponse } from '../../types/guest-types.js';

/** One line per filesystem: bytes trimmed or the agent's error text. */
export function formatFstrim(result: GuestFilesystemTrimResponse): string {
  return result.paths
    .map((p) =>
      p.error !== undefined
        ? `${p.path}: error: ${p.error}\n`
        : `${p.path}: trimmed ${p.trimmed ?? 0} bytes${p.minimum !== undefined ? ` (minimum ${p.minimum})` : ''}\n`,
    )
    .join('');
}
