#!/usr/bin/env node
// Bundle the compiled agent (dist/src/main.js, from `tsc -b packages/agent`)
// into one executable ESM file, dist/qga.mjs, for fast cold starts.
// Usage: node packages/agent/build.mjs [--metafile]
//        node packages/agent/build.mjs --cjs OUT.cjs --koffi-node FILE
//   The second form writes the CommonJS bundle a single executable runs
//   (scripts/build-sea.mjs; see scripts/sea-bundle.mjs).
import { build } from 'esbuild';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
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

const cjsAt = process.argv.indexOf('--cjs');
if (cjsAt >= 0) {
  const { buildSeaBundle } = await import('../../scripts/sea-bundle.mjs');
  const koffiNode = process.argv[process.argv.indexOf('--koffi-node') + 1];
  const { swapped } = await buildSeaBundle({ entry, outfile: process.argv[cjsAt + 1], version, koffiNode, plugins: [rxjsEsm] });
  // native-linux's libc.js and backend-windows' load-koffi.js: both must now require the bundled koffi.
  if (swapped.length !== 2)
    throw new Error(`build.mjs --cjs: koffi's require rewritten in ${swapped.length} files, expected 2: ${swapped.join(', ')}`);
  process.exit(0);
}

const result = await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __qgaCreateRequire } from 'node:module';\nconst require = __qgaCreateRequire(import.meta.url);",
  },
  // Native modules stay outside: node-pty (loaded only when asked) and koffi (the FFI with its prebuilt
  // binaries: @qga/native-linux on Linux, the windows backend on Windows).
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

// koffi (the native layer's FFI) is loaded at run time with require('koffi'): ship its
// loader and this platform's prebuilt binaries in dist/node_modules, where Node finds
// them from dist/qga.mjs wherever the two are installed together.
const modules = here('./dist/node_modules');
rmSync(modules, { recursive: true, force: true });
const koffiRoot = fileURLToPath(new URL('./node_modules/koffi/', rootUrl));
const prebuilt = fileURLToPath(new URL(`./node_modules/@koromix/koffi-${process.platform}-${process.arch}/`, rootUrl));
let koffiShipped = false;
if (existsSync(koffiRoot) && existsSync(prebuilt)) {
  for (const f of [
    'package.json',
    'LICENSE.txt',
    'index.cjs',
    'index.js',
    'src/koffi/index.cjs',
    'src/koffi/index.js',
    'src/koffi/src/static.cjs',
    'src/koffi/src/static.js',
  ]) {
    const to = `${modules}/koffi/${f}`;
    mkdirSync(dirname(to), { recursive: true });
    cpSync(`${koffiRoot}${f}`, to);
  }
  cpSync(prebuilt, `${modules}/@koromix/koffi-${process.platform}-${process.arch}`, { recursive: true });
  koffiShipped = true;
}

if (result.metafile) writeFileSync(here('./dist/qga.meta.json'), JSON.stringify(result.metafile));
console.log(
  `${outfile}: ${(statSync(outfile).size / 1024).toFixed(0)} KiB${koffiShipped ? ' (+ dist/node_modules/koffi)' : ' (koffi not found: native calls unavailable to the bundle)'}`,
);
