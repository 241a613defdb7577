import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './agents.js';

/**
 * The Wine test bed that scripts/setup-wine.sh installs: Wine, the Windows
 * node.exe and a win10 prefix under /.cache/. Tests that need it skip (and
 * say why) when it is missing; they never pass without it.
 */
export interface WineBed {
  readonly nodeExe: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The bed, or the reason it cannot be used here. */
export function wineBed(): WineBed | { skip: string } {
  const nodeExe = process.env['QGA_WINE_NODE'] ?? path.join(REPO_ROOT, '.cache/node-win/node.exe');
  const prefix = process.env['WINEPREFIX'] ?? path.join(REPO_ROOT, '.cache/wine');
  const wine = spawnSync('wine', ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (wine.error || wine.status !== 0) return { skip: 'Wine is not installed (run scripts/setup-wine.sh)' };
  if (!fs.existsSync(nodeExe)) return { skip: `no Windows node.exe at ${nodeExe} (run scripts/setup-wine.sh)` };
  if (!fs.existsSync(path.join(prefix, '.qga-win10'))) return { skip: `no win10 Wine prefix at ${prefix} (run scripts/setup-wine.sh)` };
  return { nodeExe, env: { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' } };
}

/** A Linux path as node.exe sees it (Wine's Z: drive is the host's /). */
export function winPath(linuxPath: string): string {
  return `Z:${path.resolve(linuxPath).replace(/\//g, '\\')}`;
}

/**
 * Start node.exe under Wine, bounded by `timeout`. Its stdout/stderr go to
 * `logFile`: node.exe cannot write to a Unix pipe.
 */
export function startUnderWine(bed: WineBed, args: readonly string[], logFile: string, timeoutSec = 300): ChildProcess {
  return startProgramUnderWine(bed, bed.nodeExe, args, logFile, timeoutSec);
}

/** Start any Windows program (node.exe, a single executable such as qga.exe) under Wine, as startUnderWine. */
export function startProgramUnderWine(
  bed: WineBed,
  program: string,
  args: readonly string[],
  logFile: string,
  timeoutSec = 300,
): ChildProcess {
  const log = fs.openSync(logFile, 'w');
  try {
    // `env -u`: tap's process-info hook adds NODE_OPTIONS (--import of Linux paths) to children; node.exe must not get it.
    return spawn('env', ['-u', 'NODE_OPTIONS', 'timeout', '-k', '5', String(timeoutSec), 'wine', program, ...args], {
      cwd: REPO_ROOT,
      env: bed.env,
      stdio: ['ignore', log, log],
    });
  } finally {
    fs.closeSync(log);
  }
}

/** Run a Windows program of the prefix (`sc`, `net`, `reg`) under Wine; output via a file, as for node.exe. */
export function runWineTool(
  bed: WineBed,
  args: readonly string[],
  logFile: string,
  timeoutSec = 120,
): Promise<{ code: number | null; log: string }> {
  const log = fs.openSync(logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn('env', ['-u', 'NODE_OPTIONS', 'timeout', '-k', '5', String(timeoutSec), 'wine', ...args], {
      cwd: REPO_ROOT,
      env: bed.env,
      stdio: ['ignore', log, log],
    });
  } finally {
    fs.closeSync(log);
  }
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, log: fs.readFileSync(logFile, 'utf8') })));
}

/** Run node.exe under Wine to its end; resolves with the exit code and what it printed. */
export function runUnderWine(
  bed: WineBed,
  args: readonly string[],
  logFile: string,
  timeoutSec = 180,
): Promise<{ code: number | null; log: string }> {
  return runProgramUnderWine(bed, bed.nodeExe, args, logFile, timeoutSec);
}

/** Run any Windows program (node.exe, qga.exe) under Wine to its end, as runUnderWine. */
export function runProgramUnderWine(
  bed: WineBed,
  program: string,
  args: readonly string[],
  logFile: string,
  timeoutSec = 180,
): Promise<{ code: number | null; log: string }> {
  const child = startProgramUnderWine(bed, program, args, logFile, timeoutSec);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve({ code, log: fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '' }));
  });
}
