import { errnoFromMessage } from '@qga/core';

/** What a failed fsfreeze/fstrim run said, reduced to what the protocol needs. */
export interface ToolFailure {
  /** `exec`: the tool itself could not run; `open`: the mount point could not be opened/stat'ed; `ioctl`: the kernel refused. */
  readonly stage: 'exec' | 'open' | 'ioctl';
  /** errno name when the message ends in a known glibc strerror text. */
  readonly errno?: string;
  /** The strerror text (or the tool's own words when there is none). */
  readonly reason: string;
}

/**
 * Parse the diagnostics of util-linux (and busybox) fsfreeze/fstrim, run with
 * LC_ALL=C. They end in `: <strerror>` (err(3) style), e.g.
 * `fsfreeze: /mnt: freeze failed: Operation not supported`,
 * `fsfreeze: cannot open /x: No such file or directory`,
 * `fstrim: stat of /x failed: No such file or directory`.
 * Only the last non-empty line counts.
 */
export function parseToolFailure(output: string): ToolFailure {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const last = lines[lines.length - 1] ?? '';
  if (last.startsWith('failed to exec ')) {
    return { stage: 'exec', reason: last };
  }
  const cut = last.lastIndexOf(': ');
  const tailText = cut >= 0 ? last.slice(cut + 2) : last;
  const errno = errnoFromMessage(tailText);
  const stage = /cannot open|stat of .* failed|cannot stat/.test(last) ? 'open' : 'ioctl';
  if (errno !== undefined) return { stage, errno, reason: tailText };
  // No strerror: drop the `prog: path: ` prefix and keep the tool's words.
  return { stage, reason: last.replace(/^[\w.-]+: /, '') };
}
