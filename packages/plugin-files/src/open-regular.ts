import { constants, promises as fs } from 'node:fs';
import { QgaError } from '@qga/core';
import { fsError } from './fs-errors.js';

/**
 * Opens an existing regular file for reading without following a symlink in
 * the last component (O_NOFOLLOW) and without blocking on a FIFO (O_NONBLOCK,
 * then refused: only regular files are transferred).
 */
export async function openRegularForRead(path: string): Promise<{ handle: fs.FileHandle; size: number }> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    throw fsError('cannot open', path, e);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new QgaError(`cannot read '${path}': not a regular file`);
    return { handle, size: st.size };
  } catch (e) {
    await handle.close();
    throw e;
  }
}
