import { readFile } from 'node:fs/promises';
import { errorCode, QgaError, strerror } from '@qga/core';
import { runCommand, type HelperEnv } from '../exec/run-command.js';
import { findInPasswd, parsePasswdLine, type PasswdEntry } from './passwd-entry.js';

export interface LookupOptions {
  /** `getent`, so NSS users (LDAP, sssd) are found like getpwnam() finds them. */
  readonly getent: string;
  /** Read directly when getent is missing, or for all-digit names (getent would treat them as uids). */
  readonly passwdFile: string;
  readonly env: HelperEnv;
}

/**
 * getpwnam() for the agent. Failure reads `failed to lookup user '<u>': <why>`;
 * for a user that does not exist qemu-ga 7.2 (GLib) says `Success` — the
 * strerror of errno 0 — and so do we, byte for byte.
 */
export async function lookupUser(name: string, o: LookupOptions): Promise<PasswdEntry> {
  const fail = (why: string): QgaError => new QgaError(`failed to lookup user '${name}': ${why}`);
  if (name === '' || /[:\n\0]/.test(name)) throw fail('Success');

  if (!/^\d+$/.test(name)) {
    const r = await runCommand([o.getent, 'passwd', '--', name], { env: o.env });
    if (r.execError === undefined) {
      if (r.exitCode === 2) throw fail('Success');
      if (r.exitCode !== 0 || r.timedOut) throw fail(r.output.trim() || (r.timedOut ? 'timed out' : `exit status ${r.exitCode ?? r.signal}`));
      const e = parsePasswdLine(r.output.split('\n')[0] ?? '');
      if (e?.name === name) return e;
      throw fail('Success');
    }
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
