import { QgaError, type FsFreezePort, type FsTrimPort, type GuestFilesystemTrimResult } from '@qga/core';
import { strerror } from '@qga/core/internal';
import type { FailureQueue } from '../failures.js';
import type { MockGuest, MockMount } from '../mock-guest.js';

function localMountsReversed(guest: MockGuest): MockMount[] {
  return guest.storage.mounts.filter((m) => m.local !== false).reverse();
}

/**
 * FIFREEZE/FITHAW on the guest's local mounts, walked in reverse mount
 * order. An already frozen mount (EBUSY) or one without freeze support
 * (EOPNOTSUPP) is skipped; any other error thaws what this call froze and
 * fails with `failed to freeze <dir>: <strerror>`. Thaw thaws every frozen
 * local mount, whoever froze it.
 */
export class MockFsFreeze implements FsFreezePort {
  constructor(
    private readonly guest: MockGuest,
    private readonly failures: FailureQueue,
  ) {}

  async freeze(mountpoints?: readonly string[]): Promise<number> {
    this.failures.check('fsfreeze.freeze');
    const frozenNow: MockMount[] = [];
    for (const mount of localMountsReversed(this.guest)) {
      if (mountpoints !== undefined && !mountpoints.includes(mount.mountpoint)) continue;
      if (mount.freezeError !== undefined) {
        for (const m of frozenNow) m.frozen = false;
        throw new QgaError(`failed to freeze ${mount.mountpoint}: ${strerror(mount.freezeError)}`);
      }
      if (mount.frozen || mount.freezeSupported === false) continue;
      mount.frozen = true;
      frozenNow.push(mount);
    }
    return frozenNow.length;
  }

  async thaw(): Promise<number> {
    this.failures.check('fsfreeze.thaw');
    let count = 0;
    for (const mount of localMountsReversed(this.guest)) {
      if (!mount.frozen) continue;
      mount.frozen = false;
      count++;
    }
    return count;
  }
}

/** FITRIM per local mount, reverse mount order; per-path errors are results, as in qemu-ga. */
export class MockFsTrim implements FsTrimPort {
  constructor(
    private readonly guest: MockGuest,
    private readonly failures: FailureQueue,
  ) {}

  async trim(minimum: bigint): Promise<GuestFilesystemTrimResult[]> {
    this.failures.check('fstrim.trim');
    return localMountsReversed(this.guest).map((mount): GuestFilesystemTrimResult => {
      const path = mount.mountpoint;
      const t = mount.trim ?? {};
      if (t.openError !== undefined) return { path, error: `failed to open: ${strerror(t.openError)}` };
      if (t.error === 'ENOTTY' || t.error === 'EOPNOTSUPP') return { path, error: 'trim not supported' };
      if (t.error !== undefined) return { path, error: `failed to trim: ${strerror(t.error)}` };
      const free = mount.totalBytes !== undefined && mount.usedBytes !== undefined ? mount.totalBytes - mount.usedBytes : 0n;
      const effective = t.granularity !== undefined && t.granularity > minimum ? t.granularity : minimum;
      return { path, trimmed: t.trimmed ?? free, minimum: effective };
    });
  }
}
