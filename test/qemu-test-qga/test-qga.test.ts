/**
 * QEMU's own unit test for the guest agent, tests/unit/test-qga.c from
 * Debian's qemu 7.2 source package, run against qga. The test starts
 * `<cwd>/qga/qemu-ga` for every fixture, so a run dir holds a wrapper there
 * that execs our bundle with `--backend linux`, and `tests/` (the source
 * tree's, for the fixtures it reads through relative paths). One case per
 * process (`-p /qga/...`): a failed assertion aborts the test binary, and
 * must not take the other cases with it.
 */
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const buildScript = join(repo, 'test', 'qemu-test-qga', 'build-test-qga.sh');
const bundle = join(repo, 'packages', 'agent', 'dist', 'qga.mjs');

/** Cases that fail against qga by design, with the reason (a tap todo, not a silent pass). */
const EXPECTED_FAILURES: Readonly<Record<string, string>> = {
  '/qga/info':
    'asserts that guest-info "version" equals the test tree\'s QEMU version (7.2.x); qga reports the upstream protocol line it follows instead (docs/versioning.md)',
};
/** The assertion each expected failure fails on (test-qga prints it). */
const EXPECTED_FAILURE_ASSERTION: Readonly<Record<string, string>> = {
  '/qga/info': 'test_qga_info: assertion failed \\(version == QEMU_VERSION\\)',
};

interface CaseResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/** Runs test-qga (its main starts an agent even for -l) in its own process group; whatever it leaves behind (an agent after an abort) is killed. */
function runTestQga(testBin: string, cwd: string, srcTests: string, args: readonly string[], timeoutMs: number): Promise<CaseResult> {
  return new Promise((resolve) => {
    const child = spawn(testBin, args, {
      cwd,
      env: { ...process.env, G_TEST_SRCDIR: join(srcTests, 'unit') },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const killGroup = (): void => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    };
    const timer = setTimeout(() => {
      output += `\n[killed after ${timeoutMs} ms]`;
      killGroup();
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      killGroup();
      resolve({ code, signal, output });
    });
  });
}

const missing = ['apt-cache', 'apt-get', 'dpkg-source', 'meson', 'ninja', 'pkg-config'].filter(
  (c) => spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0,
);

/** Builds (or finds in the cache) test-qga and a run dir; a string says why it cannot run here. */
function prepare(): { testBin: string; srcTests: string; run: string } | string {
  if (missing.length) return `skip: missing ${missing.join(', ')}`;
  if (!existsSync(bundle)) return `agent bundle missing: ${bundle} (run npm run build)`;
  // Cached in .cache/test-qga after the first build (about a minute); .ci/run builds it before the tests.
  const built = spawnSync(buildScript, { encoding: 'utf8' });
  if (built.status !== 0) return `building test-qga failed: ${built.stderr}`;
  const srcDir = join(built.stdout.trim(), 'src');
  const run = mkdtempSync(join(tmpdir(), 'qga-test-qga-'));
  mkdirSync(join(run, 'qga'));
  writeFileSync(join(run, 'qga', 'qemu-ga'), `#!/bin/sh\nexec '${process.execPath}' '${bundle}' --backend linux "$@"\n`, { mode: 0o755 });
  symlinkSync(join(srcDir, 'tests'), join(run, 'tests'));
  return { testBin: join(srcDir, 'build', 'tests', 'unit', 'test-qga'), srcTests: join(srcDir, 'tests'), run };
}

// Every case is a top-level subtest, so each counts in the run's "N passed, N failed".
const setup = prepare();
if (typeof setup === 'string') {
  if (setup.startsWith('skip: ')) t.test("QEMU's tests/unit/test-qga", { skip: setup.slice(6) }, async () => {});
  else t.fail(setup);
} else {
  const { testBin, srcTests, run } = setup;
  t.teardown(() => rmSync(run, { recursive: true, force: true }));
  const listed = await runTestQga(testBin, run, srcTests, ['-l'], 60_000);
  const cases = listed.output.split('\n').filter((l) => l.startsWith('/qga/'));
  // A plan keeps the root test open while an expected failure runs between subtests: one line for the list,
  // one subtest per case, two assertions per expected failure.
  t.plan(1 + cases.length + cases.filter((c) => EXPECTED_FAILURES[c]).length);
  t.ok(cases.length >= 20, `test-qga lists its cases (${cases.length})`, { output: listed.output });
  for (const name of cases) {
    const todo = EXPECTED_FAILURES[name];
    if (todo) {
      // Run it anyway: the failure must be the expected one, and a pass would show as a TODO that passed.
      const r = await runTestQga(testBin, run, srcTests, ['-p', name], 120_000);
      t.same({ code: r.code, signal: r.signal }, { code: 0, signal: null }, name, { todo, output: r.output.slice(-2000) });
      t.match(r.output, new RegExp(EXPECTED_FAILURE_ASSERTION[name] ?? '^$'), `${name}: fails only on the assertion named in its TODO`);
      continue;
    }
    await t.test(name, async (t) => {
      const r = await runTestQga(testBin, run, srcTests, ['-p', name], 120_000);
      t.same({ code: r.code, signal: r.signal }, { code: 0, signal: null }, `test-qga -p ${name} passes`, {
        output: r.output.slice(-2000),
      });
    });
  }
}
