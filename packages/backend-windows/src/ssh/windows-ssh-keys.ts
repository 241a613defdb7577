import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { injectable } from 'inversify';
import { QgaError, type SshKeysPort } from '@qga/core';
import { win32, type Ptr } from '../win32/win32-api.js';
import { Win32Error } from '../win32/win32-error.js';
import { readWide } from '../win32/wide-string.js';
import { authorizedKeysPath } from './key-file-path.js';

const NERR_UserNotFound = 2221;
const USER_PRIV_ADMIN = 2;

/**
 * authorized_keys in the Windows OpenSSH layout. The file's ACL is left as
 * the directory gives it (qemu-ga rewrites it to SYSTEM + Administrators
 * [+ the user]); see the package README.
 */
@injectable()
export class WindowsSshKeys implements SshKeysPort {
  async keysFile(user: string): Promise<string> {
    const api = win32();
    const buf: [Ptr] = [null];
    const status = api.NetUserGetInfo(null, user, 1, buf);
    if (status === NERR_UserNotFound) throw new QgaError(`User ${user} was not found`);
    if (status !== 0) throw new Win32Error('NetUserGetInfo', status);
    let isAdmin: boolean;
    try {
      // USER_INFO_1: usri1_priv is the DWORD at offset 20.
      isAdmin = Buffer.from(api.koffi.view(buf[0], 24)).readUInt32LE(20) === USER_PRIV_ADMIN;
    } finally {
      api.NetApiBufferFree(buf[0]);
    }
    const profiles = Buffer.alloc(2 * 260);
    const size: [number] = [260];
    if (!isAdmin && !api.GetProfilesDirectoryW(profiles, size)) throw new Win32Error('GetProfilesDirectoryW', api.GetLastError());
    return authorizedKeysPath(user, isAdmin, process.env['PROGRAMDATA'] ?? 'C:\\ProgramData', readWide(profiles));
  }

  async read(user: string): Promise<string | null> {
    try {
      return await readFile(await this.keysFile(user), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async write(user: string, text: string): Promise<void> {
    const file = await this.keysFile(user);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.qga-tmp`;
    await writeFile(tmp, text);
    await rename(tmp, file);
  }
}
