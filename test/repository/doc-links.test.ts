/**
 * The repository explains itself through docs/: every relative link in a
 * Markdown file, and every `docs/<file>.md#<anchor>` cited in code, must lead
 * to a file that exists and a heading that is there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.cache', '.tap', 'coverage', 'run', 'tmp', 'bench-results']);

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && e.name !== 'fixtures') walk(join(dir, e.name), out);
    } else out.push(join(dir, e.name));
  }
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

const anchorCache = new Map<string, Set<string>>();
function anchorsOf(file: string): Set<string> {
  let a = anchorCache.get(file);
  if (!a) anchorCache.set(file, (a = anchors(readFileSync(file, 'utf8'))));
  return a;
}

/** Why `target` (a path, maybe with #anchor) does not resolve from `from`'s directory, or undefined. */
function problem(fromDir: string, target: string): string | undefined {
  const [path, anchor] = target.split('#', 2) as [string, string | undefined];
  const file = path === '' ? undefined : resolve(fromDir, decodeURIComponent(path));
  if (file !== undefined && !existsSync(file)) return `${path} does not exist`;
  if (anchor === undefined || anchor === '') return undefined;
  if (file !== undefined && (statSync(file).isDirectory() || !file.endsWith('.md'))) return undefined;
  return undefined === file ? undefined : anchorsOf(file).has(anchor) ? undefined : `${path} has no heading #${anchor}`;
}

const files = walk(root);

t.test('relative links in Markdown files resolve', async (t) => {
  const broken: string[] = [];
  let count = 0;
  for (const file of files.filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/i.test(target)) continue;
      count++;
      const why = target.startsWith('#')
        ? anchorsOf(file).has(target.slice(1))
          ? undefined
          : `no heading ${target}`
        : problem(dirname(file), target);
      if (why) broken.push(`${relative(root, file)}: (${target}) ${why}`);
    }
  }
  t.ok(count > 50, `${count} links checked`);
  t.same(broken, [], 'every link resolves');
});

t.test('docs/ sections cited in code exist', async (t) => {
  const broken: string[] = [];
  let count = 0;
  for (const file of files.filter((f) => /\.(ts|mjs|js|sh|service|json)$/.test(f))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bdocs\/([a-z0-9-]+\.md)(#[a-z0-9-]+)?/g)) {
      count++;
      const why = problem(root, `docs/${m[1]}${m[2] ?? ''}`);
      if (why) broken.push(`${relative(root, file)}: ${m[0]} — ${why}`);
    }
  }
  t.ok(count > 50, `${count} citations checked`);
  t.same(broken, [], 'every citation resolves');
});

// Built from pieces so that this file does not match itself.
const OUTSIDE = new RegExp(['spec ' + '\u00a7', '/work/' + 'shared', '\\.\\./' + 'shared/'].join('|'));

t.test('no citation of a document outside the repository', async (t) => {
  const outside: string[] = [];
  for (const file of files.filter((f) => /\.(ts|mjs|js|sh|md|json|service|rules|conf)$/.test(f))) {
    const text = readFileSync(file, 'utf8');
    if (OUTSIDE.test(text)) outside.push(relative(root, file));
  }
  t.same(outside, [], 'nothing cites the protocol spec by section or a shared directory outside the repository');
});
