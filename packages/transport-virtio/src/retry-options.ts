import { DEFAULT_BACKOFF, validateBackoff, type BackoffOptions } from './backoff.js';

/** `true` (default): reopen with the default backoff; an object tunes it; `false`: fail like qemu-ga without -r. */
export type RetryOption = boolean | Partial<BackoffOptions>;

export function resolveRetry(retry: RetryOption | undefined): { readonly retry: boolean; readonly backoff: BackoffOptions } {
  if (retry === false) return { retry: false, backoff: DEFAULT_BACKOFF };
  if (retry === undefined || retry === true) return { retry: true, backoff: DEFAULT_BACKOFF };
  return { retry: true, backoff: validateBackoff({ ...DEFAULT_BACKOFF, ...retry }) };
}
