import { spawn } from 'node:child_process';
import { QgaError } from '@qga/core';
import { envObject, type ChildEvents, type ChildHandle, type StartRequest } from './child-process.js';
import { signalNumber } from './signals.js';

/**
 * Starts a program on pipes, as the leader of a new process group (setsid),
 * so a signal or the timeout reaches everything it started.
 */
export function spawnPiped(request: StartRequest, events: ChildEvents, graceMs: number): Promise<ChildHandle> {
  return new Promise((resolve, reject) => {
    const child = spawn(request.path, [...request.args], {
      env: envObject(request.env),
      ...(request.cwd !== undefined ? { cwd: request.cwd } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    // 'error' also reports failed kills later on: keep listening, or one would crash the agent.
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (child.pid === undefined) reject(new QgaError(`cannot start ${request.path}: ${e.message}`));
    });
    child.once('spawn', () => {
      child.stdout.on('data', (b: Buffer) => events.stdout(b));
      child.stderr.on('data', (b: Buffer) => (request.mergeOutput ? events.stdout(b) : events.stderr(b)));
      let open = 2;
      const ended = (stream: 'out' | 'err'): void => {
        open -= 1;
        if (!request.mergeOutput) events.outputEnded(stream);
        else if (open === 0) {
          events.outputEnded('out');
          events.outputEnded('err');
        }
      };
      child.stdout.once('close', () => ended('out'));
      child.stderr.once('close', () => ended('err'));
      child.stdin.on('error', () => {}); // EPIPE when the program quit reading; the write reports it
      child.stdout.on('error', () => {});
      child.stderr.on('error', () => {});
      // Background children may keep the pipes open long after the program
      // exited: once it is gone and the pipes stay quiet, stop collecting.
      let paused = false;
      let exited = false;
      let graceTimer: NodeJS.Timeout | undefined;
      const armGrace = (): void => {
        clearTimeout(graceTimer);
        graceTimer = setTimeout(() => {
          if (paused) return; // nobody reads; resuming re-arms
          child.stdout.destroy();
          child.stderr.destroy();
        }, graceMs);
        graceTimer.unref();
      };
      child.once('exit', (code, signal) => {
        const exitStatus = signal !== null ? { signal: signalNumber(signal) } : { exitcode: code ?? 0 };
        exited = true;
        events.exit(exitStatus);
        armGrace();
      });
      const pid = child.pid as number;
      resolve({
        pid,
        write: (bytes) =>
          new Promise<void>((ok, fail) => {
            if (child.stdin.destroyed || child.stdin.writableEnded) {
              fail(new QgaError("the program's stdin is closed"));
              return;
            }
            child.stdin.write(bytes, (err) => (err ? fail(new QgaError(`cannot write to the program's stdin: ${err.message}`)) : ok()));
          }),
        closeInput: () => {
          if (!child.stdin.writableEnded) child.stdin.end();
        },
        resize: () => false,
        pauseOutput: () => {
          paused = true;
          child.stdout.pause();
          child.stderr.pause();
        },
        resumeOutput: () => {
          paused = false;
          child.stdout.resume();
          child.stderr.resume();
          if (exited) armGrace();
        },
      });
    });
  });
}
