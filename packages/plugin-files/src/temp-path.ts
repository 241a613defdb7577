import { basename, dirname, join } from 'node:path';
import { QgaError } from '@qga/core';

const TRANSFER_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * Where an upload lands before it replaces `path`: a hidden file in the same
 * directory (so the final rename is atomic), named after the transfer id the
 * host chose, so a resumed upload finds it again.
 */
export function tempPathFor(path: string, transfer: string): string {
  if (!TRANSFER_ID.test(transfer)) throw new QgaError("Parameter 'transfer' expects 8 to 64 characters of A-Z a-z 0-9 _ -");
  const base = basename(path);
  if (base === '' || base === '.' || base === '..' || path.endsWith('/')) throw new QgaError(`cannot upload to '${path}': not a file name`);
  return join(dirname(path), `.${base}.${transfer}.qga-part`);
}
