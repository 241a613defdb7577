import { readFileSync } from 'node:fs';
import { readAll } from '../read-all.js';
import type { GuestExecCapture } from '../../types/guest-types.js';
import { formatJsonOutput } from '../format/format-json-output.js';
import { splitSubcommandArgs } from '../split-subcommand-args.js';
import type { Subcommand } from '../subcommand.js';
import { UsageError } from '../usage-error.js';
import { writeOut } from '../write-out.js';

const CAPTURE_MODES = ['none', 'stdout', 'stderr', 'separated', 'merged'];

/** exec [--no-capture] [--capture MODE] [--env K=V]... [--input-file F] -- PROG ARGS... */
export const exec: Subcommand = async (args, ctx) => {
  const { options, operands } = splitSubcommandArgs(args, ['--env', '--input-file', '--capture'], ['--no-capture'], true);
  const [path, ...progArgs] = operands;
  if (path === undefined) throw new UsageError('exec needs a program: exec [options] -- PROG [ARGS...]');
  const env = options.get('--env');
  for (const e of env ?? []) if (!e.includes('=')) throw new UsageError(`--env expects K=V, got '${e}'`);
  const inputFile = options.get('--input-file')?.at(-1);
  const captureMode = options.get('--capture')?.at(-1);
  if (captureMode !== undefined && !CAPTURE_MODES.includes(captureMode)) {
    throw new UsageError(`--capture expects one of ${CAPTURE_MODES.join(', ')}`);
  }
  // A bool works with every agent; the mode strings need QEMU 8.0 or later.
  const capture: GuestExecCapture = options.has('--no-capture') ? false : ((captureMode as GuestExecCapture | undefined) ?? true);
  let input: Buffer | undefined;
  if (inputFile !== undefined) {
    try {
      input = inputFile === '-' ? await readAll(ctx.io.stdin) : readFileSync(inputFile);
    } catch (err) {
      throw new UsageError(`cannot read ${inputFile}: ${(err as Error).message}`);
    }
  }
  return async (client) => {
    const r = await client.exec(path, progArgs, {
      capture,
      ...(env !== undefined ? { env } : {}),
      ...(input !== undefined ? { input } : {}),
    });
    if (ctx.json) {
      await writeOut(
        ctx.io.stdout,
        formatJsonOutput({
          pid: r.pid,
          ...(r.exitcode !== undefined ? { exitcode: r.exitcode } : {}),
          ...(r.signal !== undefined ? { signal: r.signal } : {}),
          'out-data': r.stdout.toString('base64'),
          'err-data': r.stderr.toString('base64'),
          'out-truncated': r.stdoutTruncated,
          'err-truncated': r.stderrTruncated,
        }),
      );
    } else {
      if (r.stdout.length > 0) await writeOut(ctx.io.stdout, r.stdout);
      if (r.stderr.length > 0) await writeOut(ctx.io.stderr, r.stderr);
      if (r.stdoutTruncated || r.stderrTruncated) await writeOut(ctx.io.stderr, 'qga-client: warning: the agent truncated the output\n');
    }
    if (r.signal !== undefined) return 128 + r.signal;
    return r.exitcode ?? 0;
  };
};
