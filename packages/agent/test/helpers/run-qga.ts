import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built program, run as a user would: `node dist/src/main.js`. */
export const MAIN_JS = fileURLToPath(new URL('../../src/main.js', import.meta.url));
/** The esbuild bundle (`node build.mjs`). */
export const BUNDLE = fileURLToPath(new URL('../../qga.mjs', import.meta.url));
/** The bundle builder (`node build.mjs`). */
const BUILD = fileURLToPath(new URL('../../../build.mjs', import.meta.url));

const bundleIsFresh = (): boolean => existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs >= statSync(MAIN_JS).mtimeMs;

/**
 * Rebuild the bundle when the tsc output is newer (as `npm run build` does).
 * Test files run in parallel: a lock directory keeps two of them from
 * writing dist/qga.mjs at once (or one from running it half written).
 */
export function ensureBundle(): void {
  if (bundleIsFresh()) return;
  const lock = `${BUNDLE}.lock`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} held for 2 minutes; remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100); // another file is building it
    }
  }
  try {
    if (!bundleIsFresh()) execFileSync(process.execPath, [BUILD], { stdio: 'ignore' });
  } finally {
    rmdirSync(lock);
  }
}

/** Fixtures live in the package's test/fixtures (not compiled). */
export const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Running {
  readonly child: ChildProcess;
  readonly pid: number;
  output(): { stdout: string; stderr: string };
  /** Resolves when the process has exited. */
  readonly exited: Promise<Finished>;
}

export interface RunOptions {
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  /** Which program: the tsc output (default) or the bundle. */
  readonly program?: string;
}

/** Environment without anything that would change the agent's config (no QGA_CONF, no LISTEN_*). */
function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, QGA_CONF: '/nonexistent/qga-test.conf' };
  delete env.LISTEN_PID;
  delete env.LISTEN_FDS;
  delete env.NODE_OPTIONS; // tap's loaders would slow the agent down and are not what a user runs
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function start(args: readonly string[], options: RunOptions = {}): Running {
  const child = spawn(process.execPath, [options.program ?? MAIN_JS, ...args], {
    env: cleanEnv(options.env),
    cwd: options.cwd ?? process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, pid: child.pid as number, output: () => ({ stdout, stderr }), exited };
}

/** Run to completion (for -V, -h, -D, errors). */
export function run(args: readonly string[], options: RunOptions = {}): Promise<Finished> {
  return start(args, options).exited;
}

/** A fresh temp dir, removed at teardown. */
export function tempDir(t: { teardown(fn: () => void): void }, prefix = 'qga-agent-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The usual test agent: mock backend on a unix socket in `dir`. */
export function agentArgs(dir: string, ...extra: string[]): string[] {
  return ['--backend', 'mock', '-m', 'unix-listen', '-p', join(dir, 'sock'), '-t', dir, ...extra];
}
