#!/usr/bin/env node
// Runs every compiled test file with tap and ends with the line CI reads:
// "N passed, N failed, N skipped". Counts the direct children of each test
// file (subtests and top-level assertions; a TODO or SKIP counts as skipped);
// a file that fails without a
// failing child (crash, timeout) counts as one failure.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const testDirs = [
  ...readdirSync(join(root, 'packages')).map((p) => join('packages', p, 'dist', 'test')),
  join('test', 'dist'),
  join('examples', 'dist', 'test'),
];

/** Compiled test files (`*.test.js`) under `dir`, skipping fixtures. */
function testFiles(dir) {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testFiles(p);
    return e.name.endsWith('.test.js') ? [p] : [];
  });
}
const targets = (args.length > 0 ? args : testDirs).flatMap((p) => (p.endsWith('.js') ? [p] : testFiles(p)));

// Tests that drive ptys and serial devices in real time run last and alone: next to the VM tests'
// TCG guests they would only measure how busy the machine is (see docs/hardening.md).
const SOLO = /transport-virtio\/dist\/test\//;
const groups = [
  { files: targets.filter((f) => !SOLO.test(f)), jobs: process.env.QGA_TEST_JOBS ?? '2' },
  { files: targets.filter((f) => SOLO.test(f)), jobs: '1' },
].filter((g) => g.files.length > 0);

let tap;
const killGroup = () => {
  try {
    if (tap) process.kill(-tap.pid, 'SIGKILL');
  } catch {
    /* nothing left */
  }
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.on(signal, () => {
    killGroup();
    process.exit(1);
  });

/** One tap run over `files`; resolves with tap's exit code once its output is counted. */
function runTap(files, jobs) {
  tap = spawn(
    process.execPath,
    [join(root, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs'), '--reporter=tap', '-j', jobs, ...files],
    // Its own process group: whatever a test started and failed to stop (an agent left behind by a
    // crashed or timed-out test) is killed with the group when the run ends.
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  );
  tap.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    lines.forEach(onLine);
  });
  return new Promise((resolve) => {
    tap.on('close', (code) => {
      killGroup();
      if (buffered) onLine(buffered);
      buffered = '';
      resolve(code ?? 1);
    });
  });
}

let passed = 0,
  failed = 0,
  skipped = 0,
  fileFailures = 0,
  buffered = '';
const failures = [];
function onLine(line) {
  const child = /^ {4}(not ok|ok) \d+ - (.*)$/.exec(line);
  if (child) {
    // A failing TODO is an expected failure (named, with its reason): counted with the skips.
    if (/# (SKIP|TODO)/.test(child[2])) skipped++;
    else if (child[1] === 'not ok') {
      failed++;
      fileFailures++;
      failures.push(child[2]);
    } else passed++;
    return;
  }
  const file = /^(not ok|ok) \d+ - (\S+)/.exec(line);
  if (file) {
    // A file that failed (crash, timeout, bad exit) without a failing child still counts once.
    if (file[1] === 'not ok' && fileFailures === 0) {
      failed++;
      failures.push(file[2]);
    }
    fileFailures = 0;
  }
}
let code = 0;
for (const group of groups) code = (await runTap(group.files, group.jobs)) || code;
if (failures.length) console.log(`\nfailed: ${failures.join('\n        ')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : code);
