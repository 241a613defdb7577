// The agent as one CommonJS file for Node's single-executable applications
// (a SEA's main script must be CommonJS on Node 20/22). Differences from the
// ESM bundle (build.mjs), each because a SEA's main script only `require`s
// built-in modules and has no file of its own:
// - koffi's JavaScript is bundled, and its native binary (koffi.node) is looked
//   up beside the executable, checked against the SHA-256 of --koffi-node and
//   loaded by the agent's dist/src/sea/koffi-native.js (why beside and not embedded: there);
// - `createRequire(import.meta.url)('koffi')` becomes a plain `require('koffi')`
//   so esbuild bundles it (still lazy: koffi is evaluated on first use only);
// - plugins are imported through the agent's sea/import-module.js (see there);
// - node-pty (native, not shipped) becomes a module that fails to load, so a
//   PTY request gets plugin-exec's "PTY support is unavailable" error;
// - `import.meta.url` is the executable's file URL.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The agent's compiled SEA-only modules (packages/agent/src/sea, from `tsc -b`). */
const COMPILED_SEA = fileURLToPath(new URL('../packages/agent/dist/src/sea', import.meta.url));
/** How tsc writes native-linux's and backend-windows' lazy koffi load (their sources: `createRequire(import.meta.url)('koffi')`). */
const KOFFI_REQUIRE = /createRequire\(import\.meta\.url\)\(['"]koffi['"]\)/g;

/** @param {{ entry: string, outfile: string, define?: Record<string,string>, koffiNode?: string, plugins?: import('esbuild').Plugin[], version: string, versionDefine?: string }} o */
export async function buildSeaBundle(o) {
  const define = { 'import.meta.url': '__qgaExecUrl', ...(o.define ?? {}) };
  define[o.versionDefine ?? '__QGA_PKG_VERSION__'] = JSON.stringify(o.version);
  const koffiSha256 = o.koffiNode ? createHash('sha256').update(readFileSync(o.koffiNode)).digest('hex') : undefined;
  const swapped = new Set();
  const sea = {
    name: 'sea',
    setup(b) {
      b.onResolve({ filter: /\/import-module\.js$/ }, (args) =>
        args.importer.includes('/compose/') ? { path: join(COMPILED_SEA, 'import-module.js') } : undefined,
      );
      b.onResolve({ filter: /^node-pty$/ }, () => ({ path: 'node-pty', namespace: 'sea-stub' }));
      b.onLoad({ filter: /.*/, namespace: 'sea-stub' }, () => ({
        contents: "throw new Error('node-pty is not part of the single executable');",
        loader: 'js',
      }));
      b.onResolve({ filter: /\/static\.cjs$/ }, (args) =>
        /[\\/]koffi[\\/]/.test(args.importer) ? { path: 'koffi-static', namespace: 'sea-koffi' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'sea-koffi' }, () => {
        if (!koffiSha256) throw new Error('sea-bundle: koffi is bundled but no --koffi-node was given');
        return {
          contents:
            `const { loadKoffiNative } = require(${JSON.stringify(join(COMPILED_SEA, 'koffi-native.js'))});\n` +
            `exports.loadStatic = () => loadKoffiNative(${JSON.stringify(koffiSha256)});`,
          loader: 'js',
          resolveDir: COMPILED_SEA,
        };
      });
      b.onLoad({ filter: /[\\/](libc|load-koffi)\.js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        const out = text.replace(KOFFI_REQUIRE, "require('koffi')");
        if (out === text) return undefined;
        swapped.add(args.path);
        return { contents: out, loader: 'js' };
      });
    },
  };
  await build({
    entryPoints: [o.entry],
    outfile: o.outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: "var __qgaExecUrl = require('node:url').pathToFileURL(process.execPath).href;" },
    define,
    minify: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'error',
    plugins: [...(o.plugins ?? []), sea],
  });
  return { koffiSha256, swapped: [...swapped] };
}
