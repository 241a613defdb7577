/**
 * The repository's own checks as tests, so CI counts them in its
 * "N passed, N failed" line: ESLint (eslint.config.mjs) and Prettier
 * (.prettierrc.json). See docs/lint-and-format.md.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

/** Switched on once the tree has been reformatted with `npm run format`. */
const FORMAT_CHECK_ENFORCED = true;

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs a node script from node_modules at the repository root; resolves with its status and output. */
function run(script: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The end of a long report: the failing files and the summary are there. */
const tail = (s: string): string => (s.length > 8000 ? `…${s.slice(-8000)}` : s);

t.test('eslint: no violations', async (t) => {
  const { code, output } = await run('node_modules/eslint/bin/eslint.js', ['--max-warnings', '0', '.']);
  t.equal(code, 0, code === 0 ? 'eslint .' : `eslint . reports:\n${tail(output)}`);
});

t.test(
  'prettier --check: every file formatted',
  { skip: FORMAT_CHECK_ENFORCED ? false : 'skip: the tree is reformatted once, with `npm run format`, after the open branches merge' },
  async (t) => {
    const { code, output } = await run('node_modules/prettier/bin/prettier.cjs', ['--check', '.']);
    t.equal(code, 0, code === 0 ? 'prettier --check .' : `prettier --check . reports:\n${tail(output)}`);
  },
);
