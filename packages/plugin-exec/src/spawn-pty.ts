import { QgaError } from '@qga/core';
import { envObject, type ChildEvents, type ChildHandle, type StartRequest } from './child-process.js';

type NodePty = typeof import('node-pty');
let nodePty: Promise<NodePty> | undefined;

/** node-pty is native: loaded on the first PTY request only, so pipes work without it. */
function loadNodePty(): Promise<NodePty> {
  nodePty ??= import('node-pty').catch((e: unknown) => {
    nodePty = undefined;
    throw new QgaError(`PTY support is unavailable (node-pty cannot be loaded: ${e instanceof Error ? e.message : String(e)})`);
  });
  return nodePty;
}

/**
 * Starts a program on a new pseudo-terminal. node-pty makes it a session
 * leader, so its pid is also its process group. Output is raw bytes (no
 * decoding); stderr is the terminal too, so the `err` stream stays empty.
 */
export async function spawnPty(request: StartRequest, events: ChildEvents): Promise<ChildHandle> {
  const pty = await loadNodePty();
  const size = request.pty as NonNullable<StartRequest['pty']>;
  let term: import('node-pty').IPty;
  try {
    term = pty.spawn(request.path, [...request.args], {
      name: size.term,
      rows: size.rows,
      cols: size.cols,
      env: envObject(request.env, size.term) as Record<string, string>,
      ...(request.cwd !== undefined ? { cwd: request.cwd } : {}),
      encoding: null,
    });
  } catch (e) {
    throw new QgaError(`cannot start ${request.path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  term.onData((data: string | Buffer) => events.stdout(typeof data === 'string' ? Buffer.from(data, 'utf8') : data));
  // node-pty reports exit only after the terminal's output is drained.
  term.onExit(({ exitCode, signal }) => {
    events.outputEnded('out');
    events.outputEnded('err');
    events.exit(signal !== undefined && signal !== 0 ? { signal } : { exitcode: exitCode });
  });
  let inputClosed = false;
  return {
    pid: term.pid,
    write: async (bytes) => {
      if (inputClosed) throw new QgaError("the program's stdin is closed");
      term.write(bytes);
    },
    closeInput: () => {
      if (inputClosed) return;
      term.write(Buffer.from([4])); // the terminal's EOF character (VEOF, ^D) at the start of a line
      inputClosed = true;
    },
    resize: (rows, cols) => {
      term.resize(cols, rows);
      return true;
    },
    pauseOutput: () => term.pause(),
    resumeOutput: () => term.resume(),
  };
}
