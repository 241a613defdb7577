import { ReplaySubject } from 'rxjs';
import { errnoError, type ExecPort, type ExitStatus, type SpawnRequest, type SpawnedProcess } from '@qga/core';
import type { FailureQueue } from '../failures.js';
import type { MockFileSystem } from '../mock-fs.js';
import { signalNumber, type MockPrograms, type ProgramResult, type ProgramRun } from '../mock-programs.js';

/**
 * Runs scripted programs as processes: pids count up from `firstPid`,
 * output goes to the captured streams the request asked for (`merged`
 * sends stderr into stdout, in write order), and `kill` ends the process
 * with that signal. Streams replay from the start, so subscribing late
 * loses nothing.
 */
export class MockExec implements ExecPort {
  private nextPid: number;
  private readonly running = new Set<() => void>();

  constructor(
    private readonly programs: MockPrograms,
    private readonly fs: MockFileSystem,
    private readonly failures: FailureQueue,
    firstPid = 4000,
  ) {
    this.nextPid = firstPid;
  }

  /** Kill every process still running (SIGKILL). */
  killAll(): void {
    for (const kill of [...this.running]) kill();
  }

  async spawn(req: SpawnRequest): Promise<SpawnedProcess> {
    this.failures.check('exec.spawn');
    const found = this.programs.find(req.path, req.env);
    if (found === undefined) {
      const node = req.path.includes('/') && this.fs.exists(req.path) ? this.fs.stat(req.path) : undefined;
      // Like execve: an existing path that is not a program is EACCES.
      throw errnoError(node !== undefined ? 'EACCES' : 'ENOENT');
    }
    const pid = this.nextPid++;
    const stdin = req.input !== undefined ? Buffer.from(req.input) : Buffer.alloc(0);
    const env = req.env !== undefined ? [...req.env] : [...this.programs.env];
    const run: ProgramRun = { pid, path: found.path, argv: [req.path, ...req.args], env, stdin, capture: req.capture };
    this.programs.runs.push(run);

    const stdout = ['stdout', 'separated', 'merged'].includes(req.capture) ? new ReplaySubject<Uint8Array>() : undefined;
    const stderr = ['stderr', 'separated'].includes(req.capture) ? new ReplaySubject<Uint8Array>() : undefined;
    const toStdout = (d: string | Uint8Array): void => stdout?.next(typeof d === 'string' ? Buffer.from(d) : Buffer.from(d));
    const toStderr = (d: string | Uint8Array): void => {
      const chunk = typeof d === 'string' ? Buffer.from(d) : Buffer.from(d);
      if (req.capture === 'merged') stdout?.next(chunk);
      else stderr?.next(chunk);
    };

    const abort = new AbortController();
    let finish!: (status: ExitStatus) => void;
    const exit = new Promise<ExitStatus>((resolve) => {
      let done = false;
      finish = (status) => {
        if (done) return;
        done = true;
        this.running.delete(killNow);
        run.exit = status;
        stdout?.complete();
        stderr?.complete();
        resolve(status);
      };
    });
    const killNow = (signal: number | NodeJS.Signals = 'SIGKILL'): void => {
      abort.abort();
      finish({ signal: signalNumber(signal) });
    };
    this.running.add(killNow);

    const sleep = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        if (abort.signal.aborted) return resolve();
        const t = setTimeout(resolve, ms);
        abort.signal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        });
      });

    setImmediate(() => {
      Promise.resolve()
        .then(() =>
          found.handler({
            path: found.path,
            argv: run.argv,
            args: req.args,
            env,
            stdin,
            fs: this.fs,
            stdout: toStdout,
            stderr: toStderr,
            sleep,
            signal: abort.signal,
          }),
        )
        .then(
          (result) => finish(toStatus(result)),
          (e: unknown) => {
            toStderr(`${e instanceof Error ? e.message : String(e)}\n`);
            finish({ exitcode: 1 });
          },
        );
    });

    return {
      pid,
      ...(stdout !== undefined ? { stdout: stdout.asObservable() } : {}),
      ...(stderr !== undefined ? { stderr: stderr.asObservable() } : {}),
      exit,
      kill: (signal?: NodeJS.Signals | number) => killNow(signal ?? 'SIGTERM'),
    };
  }
}

function toStatus(result: ProgramResult): ExitStatus {
  if (result === undefined) return { exitcode: 0 };
  if (typeof result === 'number') return { exitcode: result & 0xff };
  if ('signal' in result) return { signal: signalNumber(result.signal) };
  return { exitcode: result.exitcode & 0xff };
}
