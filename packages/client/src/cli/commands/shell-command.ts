import type { ReadStream, WriteStream } from 'node:tty';
import { GuestProcess, isMissingCommand } from '../../ops/guest-process.js';
import { splitSubcommandArgs } from '../split-subcommand-args.js';
import { pumpStdin } from '../stdin-pump.js';
import type { Subcommand } from '../subcommand.js';
import { UsageError } from '../usage-error.js';
import { writeOut } from '../write-out.js';

/** How long one read waits in the agent; it also bounds how late a keystroke can leave (replies keep request order). */
const SHELL_POLL_MS = 40;

/**
 * shell [--term NAME] [-- PROG ARGS...]: an interactive terminal in the guest
 * (@qga/plugin-exec, on a PTY): the local terminal goes raw, keystrokes and
 * window-size changes are forwarded, and the exit status is the program's.
 * Without PROG: the agent user's login shell.
 */
export const shell: Subcommand = (args, ctx) => {
  const { options, operands } = splitSubcommandArgs(args, ['--term', '--env'], [], true);
  const [path, ...progArgs] = operands;
  const env = options.get('--env');
  for (const e of env ?? []) if (!e.includes('=')) throw new UsageError(`--env expects K=V, got '${e}'`);
  const stdin = ctx.io.stdin as ReadStream;
  const stdout = ctx.io.stdout as WriteStream;
  const term = options.get('--term')?.at(-1) ?? ctx.io.env['TERM'] ?? 'xterm-256color';
  return async (client) => {
    const size = (): { rows: number; cols: number } => ({
      rows: stdout.isTTY ? stdout.rows : 24,
      cols: stdout.isTTY ? stdout.columns : 80,
    });
    let proc: GuestProcess;
    try {
      proc = await GuestProcess.start(client, {
        ...(path !== undefined ? { path, args: progArgs } : {}),
        ...(env !== undefined ? { env } : {}),
        pty: { ...size(), term },
      });
    } catch (err) {
      if (isMissingCommand(err)) throw new UsageError('shell needs @qga/plugin-exec on the agent (qga --plugin=@qga/plugin-exec)');
      throw err;
    }
    const raw = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
    if (raw) stdin.setRawMode(true);
    const onResize = (): void => {
      const { rows, cols } = size();
      void proc.resize(rows, cols).catch(() => {});
    };
    if (stdout.isTTY) stdout.on('resize', onResize);
    const input = pumpStdin(
      stdin,
      (b) => proc.write(b),
      () => proc.closeInput(),
    );
    try {
      const exit = await proc.pump(
        (b) => writeOut(ctx.io.stdout, b),
        (b) => writeOut(ctx.io.stderr, b),
        { waitMs: SHELL_POLL_MS, replyTimeoutMs: client.timeoutMs },
      );
      if (exit.signal !== undefined) return 128 + exit.signal;
      return exit.exitcode ?? 0;
    } finally {
      if (raw) stdin.setRawMode(false);
      input.stop();
      if (stdout.isTTY) stdout.off('resize', onResize);
      await proc.release().catch(() => {});
    }
  };
};
