import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { inject, injectable, optional } from 'inversify';
import { QgaError, errnoError, type ExecPort, type ExitStatus, type SpawnedProcess, type SpawnRequest } from '@qga/core';
import { win32 } from '../win32/win32-api.js';
import { outputObservable } from './output-observable.js';
import { exitStatusOf } from './exit-status.js';
import { WINDOWS_TOKENS } from '../tokens.js';

/**
 * guest-exec on Windows through child_process (CreateProcessW; libuv finds
 * `path` in PATH, adding .exe/.com). Output is transcoded from the OEM code
 * page to UTF-8. `merged` does not exist on Windows (qemu-ga compiles it out).
 */
@injectable()
export class WindowsExec implements ExecPort {
  constructor(@inject(WINDOWS_TOKENS.ExecCodePage) @optional() private readonly codePage?: number) {}

  async spawn(req: SpawnRequest): Promise<SpawnedProcess> {
    if (req.capture === 'merged') throw new QgaError("Parameter 'capture-output' does not accept value 'merged'");
    const stdin = req.input === undefined ? 'ignore' : 'pipe';
    const out = req.capture === 'stdout' || req.capture === 'separated' ? 'pipe' : 'ignore';
    const err = req.capture === 'stderr' || req.capture === 'separated' ? 'pipe' : 'ignore';
    const stdio: StdioOptions = [stdin, out, err];
    let child: ChildProcess;
    try {
      child = spawn(req.path, [...req.args], {
        stdio,
        env: req.env === undefined ? process.env : envObject(req.env),
        windowsHide: true,
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw errnoError(code !== undefined && /^E[A-Z0-9]+$/.test(code) ? code : 'EINVAL', 'spawn', req.path);
    }
    const exit = new Promise<ExitStatus>((resolve) => child.once('exit', (code, signal) => resolve(exitStatusOf(code, signal))));
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    for (const s of [child.stdin, child.stdout, child.stderr]) s?.on('error', () => {});
    if (req.input !== undefined) child.stdin?.end(req.input);
    const pid = child.pid;
    if (pid === undefined) throw errnoError('ECHILD', 'spawn', req.path);
    const codePage = this.codePage ?? win32().GetOEMCP();
    return {
      pid,
      ...(child.stdout && { stdout: outputObservable(child.stdout, codePage) }),
      ...(child.stderr && { stderr: outputObservable(child.stderr, codePage) }),
      exit,
      kill: (signal) => {
        child.kill(signal);
      },
    };
  }
}

/** `NAME=value` entries → an environment object (an entry without `=` is a name with an empty value). */
function envObject(entries: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq < 0) env[entry] = '';
    else env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}
