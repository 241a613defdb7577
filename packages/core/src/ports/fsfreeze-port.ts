import type { GuestFilesystemTrimResult } from '../schema/guest-types.js';

/**
 * Filesystem freeze and trim. Core owns the frozen state, the hook, the gate
 * and the auto-thaw timer; the port only talks to the kernel.
 */
export interface FsFreezePort {
  /**
   * Freeze local filesystems in reverse mount order, only those whose mount
   * directory is listed when `mountpoints` is given. Returns how many were
   * frozen. On a failure it thaws what it froze and throws a QgaError
   * (`failed to freeze <dir>: <strerror>`).
   */
  freeze(mountpoints?: readonly string[]): Promise<number>;
  /** Thaw every local filesystem; returns how many were thawed. */
  thaw(): Promise<number>;
}

/** Discards unused blocks of mounted filesystems (`guest-fstrim`). */
export interface FsTrimPort {
  /** FITRIM every local filesystem (reverse mount order) with the given minimum extent. */
  trim(minimum: bigint): Promise<GuestFilesystemTrimResult[]>;
}
