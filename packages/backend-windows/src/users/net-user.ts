import { QgaError } from '@qga/core';
import { win32 } from '../win32/win32-api.js';
import { win32ErrorMessage } from '../win32/win32-error.js';

/** NetUserSetInfo(NULL, user, 1003, {password}) → NET_API_STATUS. */
export type NetUserSetInfoCall = (user: string, level: number, password: string) => number;

const NERR_UserNotFound = 2221;

/** The real call (under Wine it is a stub that aborts the process: tests inject theirs). */
export function realNetUserSetInfo(user: string, level: number, password: string): number {
  return win32().NetUserSetInfo(null, user, level, { usri1003_password: password }, [0]);
}

/** NET_API_STATUS → the command's error. */
export function passwordError(user: string, status: number): QgaError {
  if (status === NERR_UserNotFound) return new QgaError(`failed to set password: User ${user} was not found`);
  return new QgaError(`failed to set password: ${win32ErrorMessage(status)}`);
}

/** guest-set-user-password on Windows: NetUserSetInfo level 1003 (USER_INFO_1003). */
export function setPasswordInfo(user: string, password: string, call: NetUserSetInfoCall = realNetUserSetInfo): void {
  const status = call(user, 1003, password);
  if (status !== 0) throw passwordError(user, status);
}
