#!/usr/bin/env node
// A committed entry point, so `npm ci` can link `qga` before the build ran:
// the esbuild bundle when present (fast start), else the compiled sources.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/qga.mjs', import.meta.url);
const compiled = new URL('../dist/src/main.js', import.meta.url);
const entry = existsSync(bundle) ? bundle : existsSync(compiled) ? compiled : undefined;
if (!entry) {
  process.stderr.write('qga: not built yet; run `npm run build` at the repository root\n');
  process.exit(1);
}
await import(entry.href);
