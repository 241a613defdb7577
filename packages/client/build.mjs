#!/usr/bin/env node
// The client CLI as one CommonJS file for a single executable (scripts/build-sea.mjs):
//   node packages/client/build.mjs --cjs OUT.cjs
// Needs `npx tsc -b packages/client` first. The package itself ships unbundled (dist/src).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSeaBundle } from '../../scripts/sea-bundle.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const entry = here('./dist/src/cli/main.js');
const cjsAt = process.argv.indexOf('--cjs');
if (cjsAt < 0 || !process.argv[cjsAt + 1]) {
  console.error('usage: node packages/client/build.mjs --cjs OUT.cjs');
  process.exit(2);
}
if (!existsSync(entry)) {
  console.error(`build.mjs: ${entry} is missing; run \`npx tsc -b packages/client\` first`);
  process.exit(1);
}
const { version } = JSON.parse(readFileSync(here('./package.json'), 'utf8'));
await buildSeaBundle({ entry, outfile: process.argv[cjsAt + 1], version, versionDefine: '__QGA_CLIENT_VERSION__' });
