import { createRequire } from 'node:module';
import type * as Koffi from 'koffi';

export type KoffiModule = typeof Koffi;

let loaded: KoffiModule | undefined;

/**
 * koffi, loaded on first use and only on Windows: on Linux the agent never
 * loads it (it is a native module, and nothing there needs Win32).
 */
export function loadKoffi(platform: NodeJS.Platform = process.platform): KoffiModule {
  if (platform !== 'win32') throw new Error('the windows backend only runs on Windows');
  loaded ??= createRequire(import.meta.url)('koffi') as KoffiModule;
  return loaded;
}

/** Whether this process has loaded koffi (tests prove Linux never does). */
export function isKoffiLoaded(): boolean {
  return loaded !== undefined;
}
