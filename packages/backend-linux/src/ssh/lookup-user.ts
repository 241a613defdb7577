import { readFile } from 'node:fs/promises';
import { QgaError } from '@qga/core';
import { errorCode, errorText, strerror } from '@qga/core/internal';
import { NativeUnavailableError } from '@qga/native-linux';
import { findInPasswd, type PasswdEntry } from './passwd-entry.js';

export interface LookupOptions {
  readonly getpwnam: (name: string) => Promise<PasswdEntry | undefined>;
  /** Read directly only when getpwnam cannot be called (no native layer). */
  readonly passwdFile: string;
}

/**
 * getpwnam() for the agent. Failure reads `failed to lookup user '<u>': <why>`;
 * for a user that does not exist qemu-ga 7.2 (GLib) says `Success` — the
 * strerror of errno 0 — and so do we, byte for byte.
 */
export async function lookupUser(name: string, o: LookupOptions): Promise<PasswdEntry> {
  const fail = (why: string): QgaError => new QgaError(`failed to lookup user '${name}': ${why}`);
  if (name === '' || /[:\n\0]/.test(name)) throw fail('Success');
  try {
    const e = await o.getpwnam(name);
    if (e === undefined) throw fail('Success');
    return e;
  } catch (e) {
    if (!(e instanceof NativeUnavailableError)) throw e instanceof QgaError ? e : fail(errorText(e));
  }
  let text: string;
  try {
    text = await readFile(o.passwdFile, 'utf8');
  } catch (e) {
    throw fail(strerror(errorCode(e) ?? 'EIO'));
  }
  const e = findInPasswd(text, name);
  if (e === undefined) throw fail('Success');
  return e;
}
