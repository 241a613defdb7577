import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { QgaClient } from '../../client/qga-client.js';
import { GuestProcess, isMissingCommand } from '../../ops/guest-process.js';
import { readAll } from '../read-all.js';
import type { GuestExecCapture } from '../../types/guest-types.js';
import { formatJsonOutput } from '../format/format-json-output.js';
import { splitSubcommandArgs } from '../split-subcommand-args.js';
import { pumpStdin } from '../stdin-pump.js';
import type { Subcommand, SubcommandContext } from '../subcommand.js';
import { UsageError } from '../usage-error.js';
import { writeOut } from '../write-out.js';

const CAPTURE_MODES = ['none', 'stdout', 'stderr', 'separated', 'merged'];

interface ExecPlan {
  readonly path: string;
  readonly args: string[];
  readonly env: string[] | undefined;
  readonly capture: GuestExecCapture;
  /** --no-capture / --capture force qemu-ga's own guest-exec. */
  readonly plainOnly: boolean;
  /** Where stdin comes from: a file's bytes, a stream to forward, or nothing. */
  readonly input: { kind: 'bytes'; bytes: Buffer } | { kind: 'stream'; stream: Readable } | undefined;
  readonly maxTimeMs: number | undefined;
}

interface Outcome {
  readonly exitcode?: number;
  readonly signal?: number;
  readonly stdout?: Buffer;
  readonly stderr?: Buffer;
  readonly truncated?: boolean;
  readonly timedOut?: boolean;
  readonly pid: number;
}

/**
 * exec [--no-capture] [--capture MODE] [--env K=V]... [--input-file F] [--no-stdin] [--max-time S] -- PROG ARGS...
 *
 * With @qga/plugin-exec on the agent, output streams as it comes, stdin is
 * forwarded as typed and Ctrl-C signals the guest process group; otherwise
 * qemu-ga's guest-exec + guest-exec-status. Either way it waits for the
 * program (as long as it takes, unless --max-time says otherwise).
 */
export const exec: Subcommand = async (args, ctx) => {
  const { options, operands } = splitSubcommandArgs(
    args,
    ['--env', '--input-file', '--capture', '--max-time'],
    ['--no-capture', '--no-stdin'],
    true,
  );
  const [path, ...progArgs] = operands;
  if (path === undefined) throw new UsageError('exec needs a program: exec [options] -- PROG [ARGS...]');
  const env = options.get('--env');
  for (const e of env ?? []) if (!e.includes('=')) throw new UsageError(`--env expects K=V, got '${e}'`);
  const inputFile = options.get('--input-file')?.at(-1);
  const captureMode = options.get('--capture')?.at(-1);
  if (captureMode !== undefined && !CAPTURE_MODES.includes(captureMode)) {
    throw new UsageError(`--capture expects one of ${CAPTURE_MODES.join(', ')}`);
  }
  const maxTimeText = options.get('--max-time')?.at(-1);
  const maxTimeS = maxTimeText === undefined ? undefined : Number(maxTimeText);
  if (maxTimeS !== undefined && (!Number.isFinite(maxTimeS) || maxTimeS <= 0))
    throw new UsageError('--max-time needs a positive number of seconds');
  // A bool works with every agent; the mode strings need QEMU 8.0 or later.
  const capture: GuestExecCapture = options.has('--no-capture') ? false : ((captureMode as GuestExecCapture | undefined) ?? true);
  let input: ExecPlan['input'];
  if (inputFile !== undefined && inputFile !== '-') {
    try {
      input = { kind: 'bytes', bytes: readFileSync(inputFile) };
    } catch (err) {
      throw new UsageError(`cannot read ${inputFile}: ${(err as Error).message}`);
    }
  } else if (inputFile === '-' || (!options.has('--no-stdin') && (ctx.io.stdin as Readable & { isTTY?: boolean }).isTTY !== true)) {
    input = { kind: 'stream', stream: ctx.io.stdin };
  }
  const plan: ExecPlan = {
    path,
    args: progArgs,
    env,
    capture,
    plainOnly: options.has('--no-capture') || captureMode !== undefined,
    input,
    maxTimeMs: maxTimeS === undefined ? undefined : Math.round(maxTimeS * 1000),
  };
  return async (client) => {
    let outcome: Outcome | undefined;
    if (!plan.plainOnly) outcome = await streamed(client, plan, ctx);
    outcome ??= await plain(client, plan, ctx);
    if (ctx.json) {
      await writeOut(
        ctx.io.stdout,
        formatJsonOutput({
          pid: outcome.pid,
          ...(outcome.exitcode !== undefined ? { exitcode: outcome.exitcode } : {}),
          ...(outcome.signal !== undefined ? { signal: outcome.signal } : {}),
          'out-data': (outcome.stdout ?? Buffer.alloc(0)).toString('base64'),
          'err-data': (outcome.stderr ?? Buffer.alloc(0)).toString('base64'),
          'out-truncated': outcome.truncated ?? false,
          'err-truncated': outcome.truncated ?? false,
          ...(outcome.timedOut ? { 'timed-out': true } : {}),
        }),
      );
    } else if (outcome.timedOut) {
      ctx.io.stderr.write(`qga-client: the program ran longer than --max-time and was killed\n`);
    }
    if (outcome.signal !== undefined) return 128 + outcome.signal;
    return outcome.exitcode ?? 0;
  };
};

/** The plugin path; undefined when the agent has no __org.qga_exec-start. */
async function streamed(client: QgaClient, plan: ExecPlan, ctx: SubcommandContext): Promise<Outcome | undefined> {
  let proc: GuestProcess;
  try {
    proc = await GuestProcess.start(client, {
      path: plan.path,
      args: plan.args,
      ...(plan.env !== undefined ? { env: plan.env } : {}),
      ...(plan.maxTimeMs !== undefined ? { timeoutMs: plan.maxTimeMs } : {}),
    });
  } catch (err) {
    if (isMissingCommand(err)) return undefined;
    throw err;
  }
  const outParts: Buffer[] = [];
  const errParts: Buffer[] = [];
  const onOut = ctx.json ? (b: Buffer) => void outParts.push(b) : (b: Buffer) => writeOut(ctx.io.stdout, b);
  const onErr = ctx.json ? (b: Buffer) => void errParts.push(b) : (b: Buffer) => writeOut(ctx.io.stderr, b);
  let stdin: { stop(): void } | undefined;
  if (plan.input?.kind === 'bytes') {
    const bytes = plan.input.bytes;
    void proc
      .write(bytes)
      .then(() => proc.closeInput())
      .catch(() => {});
  } else if (plan.input?.kind === 'stream') {
    stdin = pumpStdin(
      plan.input.stream,
      (b) => proc.write(b),
      () => proc.closeInput(),
    );
  } else {
    void proc.closeInput().catch(() => {});
  }
  // Ctrl-C: SIGINT to the guest process group; a second one: SIGKILL.
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts += 1;
    void proc.signal(interrupts === 1 ? 'SIGINT' : 'SIGKILL').catch(() => {});
  };
  process.on('SIGINT', onSigint);
  try {
    // Replies leave in request order, so a long poll holds back stdin writes: poll briefly while forwarding input.
    const exit = await proc.pump(onOut, onErr, { waitMs: stdin ? 100 : 1000, replyTimeoutMs: client.timeoutMs });
    return {
      pid: proc.pid,
      ...(exit.exitcode !== undefined ? { exitcode: exit.exitcode } : {}),
      ...(exit.signal !== undefined ? { signal: exit.signal } : {}),
      stdout: Buffer.concat(outParts),
      stderr: Buffer.concat(errParts),
      timedOut: exit.timedOut,
    };
  } finally {
    process.off('SIGINT', onSigint);
    stdin?.stop();
    await proc.release().catch(() => {});
  }
}

/** qemu-ga's guest-exec: stdin is sent whole at the start, output comes at the end. */
async function plain(client: QgaClient, plan: ExecPlan, ctx: SubcommandContext): Promise<Outcome> {
  let input: Buffer | undefined;
  if (plan.input?.kind === 'bytes') input = plan.input.bytes;
  else if (plan.input?.kind === 'stream') input = await readAll(plan.input.stream);
  const r = await client.exec(plan.path, plan.args, {
    capture: plan.capture,
    ...(plan.env !== undefined ? { env: plan.env } : {}),
    ...(input !== undefined && input.length > 0 ? { input } : {}),
    ...(plan.maxTimeMs !== undefined ? { waitTimeoutMs: plan.maxTimeMs } : {}),
  });
  if (!ctx.json) {
    if (r.stdout.length > 0) await writeOut(ctx.io.stdout, r.stdout);
    if (r.stderr.length > 0) await writeOut(ctx.io.stderr, r.stderr);
    if (r.stdoutTruncated || r.stderrTruncated) await writeOut(ctx.io.stderr, 'qga-client: warning: the agent truncated the output\n');
  }
  return {
    pid: r.pid,
    ...(r.exitcode !== undefined ? { exitcode: r.exitcode } : {}),
    ...(r.signal !== undefined ? { signal: r.signal } : {}),
    stdout: r.stdout,
    stderr: r.stderr,
    truncated: r.stdoutTruncated || r.stderrTruncated,
  };
}
