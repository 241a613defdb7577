#!/usr/bin/env node
// Bundle the compiled agent (dist/src/main.js, from `tsc -b packages/agent`)
// into one executable ESM file, dist/qga.mjs, for fast cold starts.
// Usage: node packages/agent/build.mjs [--metafile]
import { build } from 'esbuild';
import { chmodSync, copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const rootUrl = new URL('../../', import.meta.url);
const entry = here('./dist/src/main.js');
const outfile = here('./dist/qga.mjs');
if (!existsSync(entry)) {
  console.error(`build.mjs: ${entry} is missing; run \`npx tsc -b packages/agent\` first`);
  process.exit(1);
}
const { version } = JSON.parse(readFileSync(here('./package.json'), 'utf8'));

// rxjs resolves to its CommonJS build under the "node" condition, which cannot be
// tree-shaken; its ES2015 module build can (it is side-effect free).
const rxjsEsm = {
  name: 'rxjs-esm',
  setup(b) {
    b.onResolve({ filter: /^rxjs(\/operators)?$/ }, (args) => ({
      path: fileURLToPath(new URL(`./node_modules/rxjs/dist/esm/${args.path === 'rxjs' ? 'index' : 'operators/index'}.js`, rootUrl)),
    }));
  },
};

const result = await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __qgaCreateRequire } from 'node:module';\nconst require = __qgaCreateRequire(import.meta.url);" },
  // node-pty is native and only for interactive guest-exec; the agent does not load it unless asked.
  // koffi is native too, and loaded only by the windows backend on Windows.
  external: ['node-pty', 'koffi'],
  define: { __QGA_PKG_VERSION__: JSON.stringify(version) },
  minify: true,
  keepNames: true,
  legalComments: 'none',
  metafile: process.argv.includes('--metafile'),
  logLevel: 'warning',
  plugins: [rxjsEsm],
});

// esbuild keeps the entry's `#!/usr/bin/env node` line; make sure it is first and the file executable.
let text = readFileSync(outfile, 'utf8');
if (!text.startsWith('#!')) writeFileSync(outfile, `#!/usr/bin/env node\n${text}`);
chmodSync(outfile, 0o755);

// The vsock addon cannot be bundled; the transport looks for it next to the script.
const addon = here('../transport-tcp/native/build/Release/qga_vsock.node');
if (existsSync(addon)) copyFileSync(addon, here('./dist/qga_vsock.node'));

if (result.metafile) writeFileSync(here('./dist/qga.meta.json'), JSON.stringify(result.metafile));
console.log(`${outfile}: ${(statSync(outfile).size / 1024).toFixed(0)} KiB${existsSync(addon) ? ' (+ qga_vsock.node)' : ''}`);
