import { readFileSync } from 'node:fs';

/** Replaced by the bundler (build.mjs `define`); the unbundled build reads package.json. */
declare const __QGA_PKG_VERSION__: string | undefined;

function readPackageVersion(): string {
  try {
    // dist/src/version.js → ../../package.json
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** @qga/agent's own version (the protocol version is core's AGENT_VERSION). */
export const PKG_VERSION: string = typeof __QGA_PKG_VERSION__ === 'string' ? __QGA_PKG_VERSION__ : readPackageVersion();
