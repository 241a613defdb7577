import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Read a part-1 fixture (paths are relative to the package root; tests run from dist/test/part1). */
export function fixture(name: string): string {
  return readFileSync(new URL(`../../../test/fixtures/part1/${name}`, import.meta.url), 'utf8');
}

/** A temp directory removed when the test ends, pass or fail. */
export function scratchDir(t: { teardown(fn: () => void): void }, prefix = 'qga-part1-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The errno code a promise rejects with (undefined if it resolves). */
export async function rejectionCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code;
  }
  return undefined;
}

/** The message a promise rejects with (undefined if it resolves). */
export async function rejectionMessage(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}
