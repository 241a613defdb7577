import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';

// The API reference is part of the build: TypeDoc runs over every package's public
// index with the repository's typedoc.json, and any warning (an undocumented export, a
// type a public signature uses but no entry point exports, a broken link) fails it.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const typedoc = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');

interface Run {
  readonly code: number | null;
  readonly output: string;
}

// eslint-disable-next-line no-control-regex -- the ANSI colour codes typedoc prints
const ANSI_COLOUR = /\x1b\[[0-9;]*m/g;

function runTypedoc(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [typedoc, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: output.replace(ANSI_COLOUR, '') }));
  });
}

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'qga-typedoc-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('the API reference of every public entry point builds with no warning', async (t) => {
  const out = tempDir(t);
  const r = await runTypedoc(['--out', out]);
  const warnings = r.output.split('\n').filter((l) => /\[(warning|error)\]/.test(l));
  t.same(warnings, [], 'no warning or error');
  t.equal(r.code, 0, 'typedoc exits 0');
  t.ok(existsSync(join(out, 'index.html')), 'index.html written');
  // Spot checks: the composition entry point and a testing helper have pages; an internal does not.
  t.ok(existsSync(join(out, 'functions', '_qga_core.index.createAgent.html')), 'createAgent has a page');
  t.ok(existsSync(join(out, 'classes', '_qga_core.testing.MemoryTransport.html')), '@qga/core/testing is documented');
  t.ok(readFileSync(join(out, 'assets', 'search.js'), 'utf8').length > 0, 'search index written');
  t.notOk(existsSync(join(out, 'classes', '_qga_core.index.Dispatcher.html')), 'core internals are not in the reference');
});

t.test('the configuration fails an undocumented export (the gate works)', async (t) => {
  const dir = tempDir(t);
  const pkg = join(dir, 'undocumented');
  mkdirSync(join(pkg, 'src'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'undocumented', version: '0.0.0', type: 'module' }));
  writeFileSync(
    join(pkg, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.base.json'),
      compilerOptions: { rootDir: '.', outDir: 'dist', types: [] },
      include: ['src/**/*.ts'],
    }),
  );
  writeFileSync(join(pkg, 'src', 'index.ts'), '/** Documented. */\nexport const documented = 1;\nexport const bare = 2;\n');
  const r = await runTypedoc(['--entryPoints', pkg, '--out', join(dir, 'out')]);
  t.not(r.code, 0, 'typedoc fails');
  t.match(r.output, /bare \(Variable\), defined in .*does not have any documentation/, 'names the undocumented export');
  t.notMatch(r.output, /documented \(Variable\)/, 'the documented one passes');
});
