import { QgaError } from '@qga/core';
import { win32 } from './win32-api.js';
import { win32ErrorMessage } from './win32-error.js';

const TOKEN_ADJUST_PRIVILEGES = 0x20;
const TOKEN_QUERY = 0x8;
const SE_PRIVILEGE_ENABLED = 0x2;
const ERROR_NOT_ALL_ASSIGNED = 1300;

export type PrivilegeName = 'SeShutdownPrivilege' | 'SeSystemtimePrivilege';

function failed(what: string, code: number): QgaError {
  return new QgaError(`${what}: ${win32ErrorMessage(code)}`);
}

/**
 * Enable a privilege in the agent's own token (qemu-ga's acquire_privilege,
 * same messages). Throws a QgaError when the token does not hold it.
 */
export function acquirePrivilege(name: PrivilegeName): void {
  const api = win32();
  const token: [number] = [0];
  if (!api.OpenProcessToken(api.GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, token)) {
    throw failed('failed to open privilege token', api.GetLastError());
  }
  try {
    // TOKEN_PRIVILEGES with one LUID_AND_ATTRIBUTES: count @0, LUID @4, attributes @12.
    const privileges = Buffer.alloc(16);
    privileges.writeUInt32LE(1, 0);
    if (!api.LookupPrivilegeValueW(null, name, privileges.subarray(4, 12))) {
      throw failed('no luid for requested privilege', api.GetLastError());
    }
    privileges.writeUInt32LE(SE_PRIVILEGE_ENABLED, 12);
    const ok = api.AdjustTokenPrivileges(token[0], 0, privileges, 0, null, null);
    const code = api.GetLastError();
    if (!ok || code === ERROR_NOT_ALL_ASSIGNED) throw failed('unable to acquire requested privilege', ok ? ERROR_NOT_ALL_ASSIGNED : code);
  } finally {
    api.CloseHandle(token[0]);
  }
}
