import type { ExecPort, ExitStatus } from '../ports/exec-port.js';
import { QgaError } from '../protocol/qga-error.js';
import { errorText } from '../util/strerror.js';

/**
 * Run a helper program to completion with stdout and stderr captured
 * together (qemu-ga's `ga_run_command`), and turn a failure into its
 * message: `child process has failed to <action>: <output>` (or `: exit
 * status N` when it printed nothing), `child process has terminated
 * abnormally[: <output>]` when killed by a signal. A program that cannot be
 * started fails like qemu-ga's forked child: exit status 1 with
 * `failed to exec '<path>': <strerror>` as its output.
 */
export async function runProgram(exec: ExecPort, argv: readonly [string, ...string[]], action: string): Promise<void> {
  const [path, ...args] = argv;
  let output: string;
  let status: ExitStatus;
  try {
    const proc = await exec.spawn({ path, args, capture: 'merged' });
    const chunks: Uint8Array[] = [];
    const drained = new Promise<void>((resolve) => {
      if (proc.stdout === undefined) return resolve();
      proc.stdout.subscribe({ next: (c) => void chunks.push(c), error: () => resolve(), complete: () => resolve() });
    });
    [status] = await Promise.all([proc.exit, drained]);
    output = Buffer.concat(chunks).toString('utf8');
  } catch (e) {
    status = { exitcode: 1 };
    output = `failed to exec '${path}': ${errorText(e)}\n`;
  }
  const failure = helperFailureMessage(action, status.exitcode ?? null, output);
  if (failure !== undefined) throw new QgaError(failure);
}

/**
 * qemu-ga's messages for a helper program that did not succeed (`exitcode`
 * null: killed by a signal); undefined when it exited 0. Shared with the
 * backends' own helper runners so every helper failure reads alike.
 */
export function helperFailureMessage(action: string, exitcode: number | null, output: string): string | undefined {
  if (exitcode === null) {
    return output ? `child process has terminated abnormally: ${output}` : 'child process has terminated abnormally';
  }
  if (exitcode !== 0) {
    return output ? `child process has failed to ${action}: ${output}` : `child process has failed to ${action}: exit status ${exitcode}`;
  }
  return undefined;
}
