import type { Backend } from '@qga/core';

export interface WindowsBackendOptions {
  /** Overrides process.platform (tests of the refusal on other platforms). */
  readonly platform?: NodeJS.Platform;
}

/**
 * Commands qemu-ga compiles out on Windows (spec §6); a Windows backend must
 * list them as unsupported so they are absent from guest-info.
 */
export const WINDOWS_UNSUPPORTED_COMMANDS = [
  'guest-suspend-hybrid',
  'guest-set-vcpus',
  'guest-get-memory-blocks',
  'guest-set-memory-blocks',
  'guest-get-memory-block-info',
  'guest-get-diskstats',
  'guest-get-cpustats',
] as const;

/**
 * The Windows backend. Its ports are not written yet (nothing here can run
 * or test Windows code), so selecting it fails with a clear message instead
 * of yielding a half-working agent.
 */
export function windowsBackend(options: WindowsBackendOptions = {}): Backend {
  const platform = options.platform ?? process.platform;
  if (platform !== 'win32') throw new Error('the windows backend only runs on Windows');
  throw new Error('the windows backend has no ports implemented yet; use --backend mock to try the agent on Windows');
}
