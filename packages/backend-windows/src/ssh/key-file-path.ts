import { win32 as path } from 'node:path';

/**
 * Where Windows OpenSSH reads a user's keys (pure): administrators share
 * %PROGRAMDATA%\ssh\administrators_authorized_keys; others use
 * <profiles dir>\<user>\.ssh\authorized_keys.
 */
export function authorizedKeysPath(user: string, isAdmin: boolean, programData: string, profilesDir: string): string {
  return isAdmin
    ? path.join(programData, 'ssh', 'administrators_authorized_keys')
    : path.join(profilesDir, user, '.ssh', 'authorized_keys');
}
