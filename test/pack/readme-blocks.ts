import ts from 'typescript';

/**
 * What the test takes from a package README, verbatim, so README and test cannot
 * drift: the `## Install` section's shell lines and tsconfig additions, and the
 * code blocks marked `<!-- example: FILE -->` (the file name they are saved as).
 */
export interface ReadmeInstall {
  /** `npm …` lines of the section's ```sh block, split into arguments. */
  readonly npm: readonly string[][];
  /** compilerOptions of the section's ```jsonc block (what to add to `tsc --init`'s). */
  readonly compilerOptions: Record<string, unknown>;
}

function fenced(text: string, lang: string): string[] {
  const re = new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```', 'gm');
  return [...text.matchAll(re)].map((m) => m[1] ?? '');
}

export function installSection(readme: string): ReadmeInstall {
  const start = readme.search(/^## Install\b/m);
  if (start < 0) throw new Error('no "## Install" section');
  const rest = readme.slice(start + 3);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  const npm = fenced(section, 'sh')
    .flatMap((block) => block.split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('npm '))
    .map((line) => line.split(/\s+/).slice(1));
  const [config, ...more] = fenced(section, 'jsonc');
  if (config === undefined || more.length > 0) throw new Error('the Install section needs exactly one ```jsonc tsconfig block');
  const parsed = ts.parseConfigFileTextToJson('tsconfig.json', config);
  if (parsed.error)
    throw new Error(`the Install section's tsconfig block: ${ts.flattenDiagnosticMessageText(parsed.error.messageText, '\n')}`);
  const compilerOptions = (parsed.config as { compilerOptions?: Record<string, unknown> }).compilerOptions ?? {};
  return { npm, compilerOptions };
}

/** The `<!-- example: FILE -->` code blocks, by file name. */
export function exampleFiles(readme: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of readme.matchAll(/^<!-- example: (\S+) -->\n```(?:ts|typescript)\n([\s\S]*?)^```/gm)) {
    out.set(m[1] ?? '', m[2] ?? '');
  }
  return out;
}

/** Replaces `from` (which must occur exactly once) with `to`. */
export function replaceOnce(code: string, from: string, to: string): string {
  const at = code.indexOf(from);
  if (at < 0 || code.indexOf(from, at + 1) >= 0) throw new Error(`expected ${JSON.stringify(from)} exactly once in the README example`);
  return code.slice(0, at) + to + code.slice(at + from.length);
}
