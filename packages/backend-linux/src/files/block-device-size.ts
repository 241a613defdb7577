import { readFile } from 'node:fs/promises';
import { splitDev } from '../mounts/dev-numbers.js';

/** Size in bytes of a block device (fstat reports 0 for them), from sysfs. */
export async function blockDeviceSize(rdev: number | bigint): Promise<bigint> {
  const { major, minor } = splitDev(rdev);
  const text = await readFile(`/sys/dev/block/${major}:${minor}/size`, 'utf8');
  return BigInt(text.trim()) * 512n;
}
