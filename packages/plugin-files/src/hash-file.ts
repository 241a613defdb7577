import { createHash, type Hash } from 'node:crypto';
import type { promises as fs } from 'node:fs';

const BLOCK = 4 * 1024 * 1024;

/** Feeds bytes [0, length) of an open file into `hash`. */
export async function hashRange(handle: fs.FileHandle, length: number, hash: Hash = createHash('sha256')): Promise<Hash> {
  const buffer = Buffer.allocUnsafe(Math.min(BLOCK, Math.max(length, 1)));
  for (let offset = 0; offset < length;) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, length - offset), offset);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    offset += bytesRead;
  }
  return hash;
}
