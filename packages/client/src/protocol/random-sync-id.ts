import { randomBytes } from 'node:crypto';

/**
 * A random positive id for guest-sync(-delimited), up to 2^62: it travels as
 * an int64 on the wire and is compared losslessly, so stale replies carrying
 * an older id are recognised.
 */
export function randomSyncId(): bigint {
  return BigInt.asUintN(62, randomBytes(8).readBigUInt64BE()) + 1n;
}
