import { chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LinuxInventoryOptions } from '../../src/proc/index.js';

/** test/fixtures/part2 in the package (tests run from dist/test/part2). */
export const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/part2/', import.meta.url));

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export function readFixture(...parts: string[]): Promise<string> {
  return readFile(fixture(...parts), 'utf8');
}

export function readFixtureBytes(...parts: string[]): Promise<Buffer> {
  return readFile(fixture(...parts));
}

/** Config pointing every root into a fixture system directory, helpers disabled unless given. */
export function fixtureConfig(system: string, over: LinuxInventoryOptions = {}): LinuxInventoryOptions {
  return {
    sysRoot: fixture(system, 'sys'),
    procRoot: fixture(system, 'proc'),
    udevDataDir: fixture(system, 'run/udev/data'),
    utmpPath: fixture(system, 'utmp'),
    systemdRunDir: fixture(system, 'run/systemd'),
    osReleasePaths: [fixture(system, 'etc/os-release')],
    env: {},
    nvmeSmartLog: () => Promise.reject(Object.assign(new Error('no NVMe in fixtures'), { code: 'ENOENT' })),
    ...over,
  };
}

/** A scratch directory removed when the test ends. */
export async function scratch(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qga-part2-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Copy a fixture tree into a scratch directory (for tests that write to sysfs files). */
export async function copyFixture(t: { teardown(fn: () => unknown): void }, ...parts: string[]): Promise<string> {
  const dir = await scratch(t);
  await cp(fixture(...parts), dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

/** An executable shell script standing in for a helper program (a real child process). */
export async function fakeProgram(dir: string, name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

/** JSON with bigints as strings, for deep comparisons in messages. */
export function show(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
}
