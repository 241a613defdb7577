import { inject, injectable, optional } from 'inversify';
import { qapi } from '../dispatch/arg-spec.js';
import type { Command, CommandSpec } from '../dispatch/command.js';
import type { Logger } from '../ports/logger-port.js';
import type { GuestExec, GuestExecCaptureOutputMode, GuestExecStatus } from '../schema/guest-types.js';
import { ExecRecords } from '../services/exec-records.js';
import { TOKENS } from '../tokens.js';
import { decodeBase64, type RawBase64 } from '../util/base64.js';

export interface GuestExecStatusArgs {
  readonly pid: bigint;
}

@injectable()
export class GuestExecStatusCommand implements Command<GuestExecStatusArgs, GuestExecStatus> {
  readonly spec: CommandSpec = { name: 'guest-exec-status', args: { pid: 'int' } };

  constructor(@inject(ExecRecords) private readonly records: ExecRecords) {}

  run(args: GuestExecStatusArgs): GuestExecStatus {
    return this.records.status(args.pid);
  }
}

export interface GuestExecArgs {
  readonly path: string;
  readonly arg?: readonly string[];
  readonly env?: readonly string[];
  readonly 'input-data'?: string | RawBase64;
  /** GuestExecCaptureOutput: a bool (true = separated) or a mode name. */
  readonly 'capture-output'?: boolean | GuestExecCaptureOutputMode;
}

export const CAPTURE_OUTPUT_MODES: readonly GuestExecCaptureOutputMode[] = ['none', 'stdout', 'stderr', 'separated', 'merged'];

/** guest-exec: starts the program (no shell) and returns its pid at once. */
@injectable()
export class GuestExecCommand implements Command<GuestExecArgs, GuestExec> {
  readonly spec: CommandSpec = {
    name: 'guest-exec',
    args: {
      path: 'str',
      '*arg': qapi.list('str'),
      '*env': qapi.list('str'),
      '*input-data': 'base64',
      '*capture-output': qapi.alternate('GuestExecCaptureOutput', {
        bool: 'bool',
        str: qapi.enum('GuestExecCaptureOutputMode', CAPTURE_OUTPUT_MODES),
      }),
    },
  };

  constructor(
    @inject(ExecRecords) private readonly records: ExecRecords,
    @inject(TOKENS.Logger) @optional() private readonly logger?: Logger,
  ) {}

  async run(args: GuestExecArgs): Promise<GuestExec> {
    // Decoded before anything runs: bad base64 starts nothing.
    const input = args['input-data'] !== undefined ? decodeBase64(args['input-data']) : undefined;
    const flag = args['capture-output'];
    const capture: GuestExecCaptureOutputMode = flag === undefined || flag === false ? 'none' : flag === true ? 'separated' : flag;
    const argv = [args.path, ...(args.arg ?? [])];
    this.logger?.log('info', `guest-exec called: "${argv.join(' ')}"`);
    const pid = await this.records.spawn({
      path: args.path,
      args: args.arg ?? [],
      ...(args.env !== undefined ? { env: args.env } : {}),
      ...(input !== undefined ? { input } : {}),
      capture,
    });
    return { pid };
  }
}
