#!/usr/bin/env node
// A committed entry point, so `npm ci` can link `qga-client` before the build ran.
await import('../dist/src/cli/main.js').catch((e) => {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  process.stderr.write('qga-client: not built yet; run `npm run build` at the repository root\n');
  process.exit(1);
});
