import { injectable } from 'inversify';
import { QgaError, type FsFreezePort } from '@qga/core';

/**
 * No VSS requester yet: a freeze answers what qemu-ga answers when its VSS
 * provider is missing, and nothing is ever frozen. Thaw reports 0 thawed
 * (true: core calls it to leave the frozen state after the failed freeze);
 * qemu-ga would answer the VSS error there too.
 */
export const VSS_UNAVAILABLE = 'fsfreeze not possible as VSS failed to initialize';

@injectable()
export class WindowsFsFreeze implements FsFreezePort {
  async freeze(): Promise<number> {
    throw new QgaError(VSS_UNAVAILABLE);
  }

  async thaw(): Promise<number> {
    return 0;
  }
}
