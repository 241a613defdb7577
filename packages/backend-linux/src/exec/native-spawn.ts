import { closeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { SpawnedProcess, SpawnRequest } from '@qga/core';
import { closeInheritedFdsOnExec, socketPairFds, spawnClosesOtherFds, spawnProcess, type ChildFd } from '@qga/native-linux';
import { childReaper } from './child-reaper.js';
import { streamObservable } from './stream-observable.js';

/**
 * guest-exec's process through posix_spawn (see @qga/native-linux
 * spawnProcess): the same child as child_process.spawn gives — stdio slots
 * that are unix socketpairs or /dev/null, `merged` as one socket on fd 1 and
 * fd 2, signals at their defaults, only fds 0-2 — without fork() copying the
 * agent. `file` is resolved; `argv` includes argv[0]; `env` is the whole
 * environment as NAME=value entries, or 'inherit' (the agent's). Throws NativeUnavailableError without
 * the native layer (the caller then uses child_process) and errno errors
 * when the program cannot start.
 */
export function spawnNative(file: string, argv: readonly string[], env: readonly string[] | 'inherit', req: SpawnRequest): SpawnedProcess {
  const opened: number[] = [];
  const pair = (): [number, number] => {
    const p = socketPairFds();
    opened.push(...p);
    return p;
  };
  let stdin: [number, number] | undefined;
  let out: [number, number] | undefined;
  let err: [number, number] | undefined;
  let slots: [ChildFd, ChildFd, ChildFd];
  let pid: number;
  try {
    if (req.input !== undefined) stdin = pair();
    if (req.capture === 'stdout' || req.capture === 'separated' || req.capture === 'merged') out = pair();
    if (req.capture === 'stderr' || req.capture === 'separated') err = pair();
    slots = [stdin?.[1] ?? 'null', out?.[1] ?? 'null', req.capture === 'merged' ? out![1] : (err?.[1] ?? 'null')];
    // Where libc cannot close descriptors 3+ in the child, mark inherited ones close-on-exec first.
    if (!spawnClosesOtherFds()) closeInheritedFdsOnExec();
    pid = spawnProcess({ file, argv, envp: env, stdin: slots[0], stdout: slots[1], stderr: slots[2] }).pid;
  } catch (e) {
    for (const fd of opened) closeSync(fd);
    throw e;
  }
  // The child holds its own copies of its ends now.
  for (const p of [stdin, out, err]) if (p !== undefined) closeSync(p[1]);

  const exit = childReaper.watch(pid);
  let exited = false;
  void exit.then(() => (exited = true));
  const wrap = (fd: number, readable: boolean): Socket => {
    const s = new Socket({ fd, readable, writable: !readable });
    s.on('error', () => {}); // a dying child's reset must not become an unhandled 'error'
    return s;
  };
  if (stdin !== undefined && req.input !== undefined) {
    // A child that exits without reading gets its socket closed; EPIPE is ignored above.
    wrap(stdin[0], false).end(req.input);
  }
  return {
    pid,
    ...(out !== undefined ? { stdout: streamObservable(wrap(out[0], true)) } : {}),
    ...(err !== undefined ? { stderr: streamObservable(wrap(err[0], true)) } : {}),
    exit,
    kill: (signal?: NodeJS.Signals | number) => {
      // Once reaped the pid may belong to someone else: never signal it then.
      if (exited) return;
      try {
        process.kill(pid, signal ?? 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}
