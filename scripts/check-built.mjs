#!/usr/bin/env node
// prepack of every package: refuse to pack (or publish) a package whose build is missing,
// which would install fine and fail at its first import. Checks every `exports`, `main`,
// `types` and `bin` target and every plain path of `files` in the current directory.
import { existsSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const targets = new Set([pkg.main, pkg.types].filter(Boolean));
const walk = (v) => (typeof v === 'string' ? targets.add(v) : v && typeof v === 'object' && Object.values(v).forEach(walk));
walk(pkg.exports);
walk(typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : pkg.bin);
for (const f of pkg.files ?? []) if (!/[!*?]/.test(f)) targets.add(f);
const missing = [...targets].filter((p) => !existsSync(p));
if (missing.length > 0) {
  console.error(`${pkg.name}: not built (missing ${missing.join(', ')}); run \`npm run build\` at the repository root first`);
  process.exit(1);
}
