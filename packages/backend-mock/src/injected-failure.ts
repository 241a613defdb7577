import { errnoError, QgaError } from '@qga/core';

/**
 * What `failNext` accepts: an Error is thrown as is; a string that looks
 * like an errno name (`EIO`) becomes a Node-style errno error, as real fs
 * calls throw; any other string becomes a QgaError with that desc.
 */
export type InjectedFailure = Error | string;

export function toError(failure: InjectedFailure): Error {
  if (failure instanceof Error) return failure;
  return /^E[A-Z0-9]+$/.test(failure) ? errnoError(failure) : new QgaError(failure);
}
