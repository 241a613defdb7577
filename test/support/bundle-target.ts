import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, SPEC_BASELINE_VERSION, type Target } from './agents.js';

/** The bundled agent as shipped (packages/agent/dist/qga.mjs, from `npm run build`). */
export const BUNDLE = path.join(REPO_ROOT, 'packages/agent/dist/qga.mjs');

export function bundleTarget(): Target {
  return {
    name: 'ours',
    skip: fs.existsSync(BUNDLE) ? false : `${BUNDLE} is missing: run \`npm run build\``,
    command: [process.execPath, BUNDLE],
    version: SPEC_BASELINE_VERSION,
  };
}

/** Resident set size of a process, in bytes. */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}
