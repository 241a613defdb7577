// Builds the vsock addon at install time. Never fails the install: without the
// addon, vsock-listen reports a clear error when used and everything else works.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const warn = (msg) => console.warn(`@qga/transport-tcp: ${msg}; vsock-listen will be unavailable (other transports are unaffected)`);

function findNodeGyp() {
  // npm points lifecycle scripts at its bundled node-gyp.
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, fromNpm];
  try {
    return [process.execPath, createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js')];
  } catch {
    return ['node-gyp'];
  }
}

if (process.platform !== 'linux') {
  console.log('@qga/transport-tcp: vsock addon skipped (Linux only)');
  process.exit(0);
}
// Prefer the headers installed with this node (no download: CI machines may be offline).
const args = ['rebuild'];
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'common.gypi'))) {
  args.push(`--nodedir=${prefix}`);
}
const [cmd, ...pre] = findNodeGyp();
const result = spawnSync(cmd, [...pre, ...args], { cwd: here, stdio: 'inherit' });
if (result.error) warn(`could not run node-gyp (${result.error.message})`);
else if (result.status !== 0) warn(`node-gyp exited with status ${result.status}`);
else if (!existsSync(join(here, 'build', 'Release', 'qga_vsock.node'))) warn('node-gyp produced no qga_vsock.node');
process.exit(0);
