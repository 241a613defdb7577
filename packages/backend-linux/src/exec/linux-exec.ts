import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import type { Socket } from 'node:net';
import { errnoError, type ExecPort, type ExitStatus, type SpawnedProcess, type SpawnRequest } from '@qga/core';
import { errnoOf } from '@qga/core/internal';
import { injectable } from 'inversify';
import { exitStatusOf } from './exit-status.js';
import { envListToObject, findProgram, pathFromEnvList } from './find-program.js';
import { socketPair } from './socket-pair.js';
import { passOnlyStdio } from './pass-only-stdio.js';
import { nulSafeArgv } from './nul-safe-argv.js';
import { streamObservable } from './stream-observable.js';
import { spawnNative } from './native-spawn.js';

/** false once posix_spawn through the native layer turned out to be unavailable here. */
let nativeSpawn = true;

/**
 * guest-exec on Linux through child_process.spawn.
 *
 * - The program is resolved up front with execvp rules against the `env` PATH
 *   when `env` is given (GLib's SEARCH_PATH_FROM_ENVP), so "not found" is a
 *   rejection with `code: 'ENOENT'` before anything runs.
 * - `env` replaces the environment; argv[0] is the path as the host gave it.
 * - stdin: the input bytes through a pipe, else /dev/null (`'ignore'`).
 * - `merged`: fd 1 and fd 2 of the child are the *same* socket (one end of a
 *   socketpair we hand to both slots), so interleaving is kernel write order —
 *   the equivalent of upstream's dup2(stdout, stderr). No wrapper process, so
 *   spawn errors and the environment stay exact.
 * - Descriptors the agent inherited are not passed on (pass-only-stdio.ts);
 *   an argument holding U+0000 reaches the program as the bytes C0 80 (nul-safe-argv.ts).
 * - libuv resets every signal disposition to default in the child, so the
 *   child's SIGPIPE is SIG_DFL although Node ignores it in the agent.
 */
@injectable()
export class LinuxExec implements ExecPort {
  /**
   * The usual route: posix_spawn through the native layer (native-spawn.ts),
   * which does not copy the agent the way libuv's fork() does. undefined
   * when the native layer is unavailable here (then child_process below).
   */
  private spawnWithoutFork(file: string, req: SpawnRequest): SpawnedProcess | undefined {
    let envp: string[] | 'inherit' = 'inherit';
    if (req.env !== undefined) {
      envp = Object.entries(envListToObject(req.env)).map(([k, v]) => `${k}=${v}`);
      // As child_process refuses them (C strings end at the first NUL).
      if (envp.some((e) => e.includes('\0'))) throw errnoError('EINVAL', 'spawn', req.path);
    }
    if (file.includes('\0')) throw errnoError('EINVAL', 'spawn', req.path);
    const viaShell = nulSafeArgv(file, req.args);
    try {
      return viaShell
        ? spawnNative(viaShell.file, [viaShell.file, ...viaShell.args], envp, req)
        : spawnNative(file, [req.path, ...req.args], envp, req);
    } catch (e) {
      if (errnoOf(e) === undefined) {
        nativeSpawn = false; // no koffi, or this libc lacks posix_spawn: child_process from now on
        return undefined;
      }
      throw errnoError((e as NodeJS.ErrnoException).code ?? 'EINVAL', 'spawn', req.path);
    }
  }

  async spawn(req: SpawnRequest): Promise<SpawnedProcess> {
    const searchPath = req.env === undefined ? process.env['PATH'] : (pathFromEnvList(req.env) ?? process.env['PATH']);
    const file = await findProgram(req.path, searchPath);
    if (nativeSpawn) {
      const native = this.spawnWithoutFork(file, req);
      if (native !== undefined) return native;
    }

    let merged: { childEnd: Socket; parentEnd: Socket } | undefined;
    const stdin = req.input === undefined ? 'ignore' : 'pipe';
    let stdio: StdioOptions;
    switch (req.capture) {
      case 'none':
        stdio = [stdin, 'ignore', 'ignore'];
        break;
      case 'stdout':
        stdio = [stdin, 'pipe', 'ignore'];
        break;
      case 'stderr':
        stdio = [stdin, 'ignore', 'pipe'];
        break;
      case 'separated':
        stdio = [stdin, 'pipe', 'pipe'];
        break;
      case 'merged':
        merged = await socketPair();
        stdio = [stdin, merged.childEnd, merged.childEnd];
        break;
      default:
        throw errnoError('EINVAL', 'spawn', req.path);
    }

    let child: ChildProcess;
    passOnlyStdio();
    const viaShell = nulSafeArgv(file, req.args);
    try {
      child = spawn(viaShell?.file ?? file, viaShell?.args ?? [...req.args], {
        ...(viaShell ? {} : { argv0: req.path }),
        stdio,
        env: req.env === undefined ? process.env : envListToObject(req.env),
        windowsHide: true,
      });
    } catch (e) {
      // Synchronous failures are argument problems (e.g. a NUL byte in an argument).
      merged?.childEnd.destroy();
      merged?.parentEnd.destroy();
      const code = (e as NodeJS.ErrnoException).code;
      throw errnoError(code !== undefined && /^E[A-Z0-9]+$/.test(code) ? code : 'EINVAL', 'spawn', req.path);
    }
    // The child holds its own copies of the descriptors now.
    merged?.childEnd.destroy();

    const exit = new Promise<ExitStatus>((resolve) => {
      child.once('exit', (code, signal) => resolve(exitStatusOf(code, signal)));
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } catch (e) {
      merged?.parentEnd.destroy();
      throw e;
    }

    // Streams nobody subscribes to must not crash the agent with an unhandled 'error'.
    for (const s of [child.stdin, child.stdout, child.stderr, merged?.parentEnd]) s?.on('error', () => {});

    if (req.input !== undefined && child.stdin !== null) {
      // A child that exits without reading gets its pipe closed; EPIPE is ignored above.
      child.stdin.end(req.input);
    }

    const out = merged?.parentEnd ?? child.stdout ?? undefined;
    const err = child.stderr ?? undefined;
    const pid = child.pid;
    if (pid === undefined) throw errnoError('ECHILD', 'spawn', req.path);
    return {
      pid,
      ...(out !== undefined ? { stdout: streamObservable(out) } : {}),
      ...(err !== undefined ? { stderr: streamObservable(err) } : {}),
      exit,
      kill: (signal?: NodeJS.Signals | number) => {
        child.kill(signal);
      },
    };
  }
}
