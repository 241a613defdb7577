import { intArg } from '@qga/core';
import { inject, injectable } from 'inversify';
import type { Command } from '@qga/core';
import { EXEC_TOKENS } from '../tokens.js';
import type { ExecSessions } from '../exec-sessions.js';

interface ReadArgs {
  id: bigint;
  'out-offset'?: bigint;
  'err-offset'?: bigint;
  'max-bytes'?: bigint;
  'wait-ms'?: bigint;
}

/** `__org.qga_exec-read` reply: base64 output of both streams from the offsets asked for, and the exit state. */
export interface ExecReadReply {
  'out-offset': number;
  'out-data': string;
  'out-eof': boolean;
  'err-offset': number;
  'err-data': string;
  'err-eof': boolean;
  exited: boolean;
  exitcode?: number;
  signal?: number;
  'timed-out'?: boolean;
}

/**
 * `__org.qga_exec-read`: output from the given offsets (asking for an offset
 * acknowledges the bytes before it). `wait-ms` makes it a long poll.
 */
@injectable()
export class ExecReadCommand implements Command<ReadArgs, ExecReadReply> {
  readonly spec = {
    name: '__org.qga_exec-read',
    args: { id: 'int', '*out-offset': 'int', '*err-offset': 'int', '*max-bytes': 'int', '*wait-ms': 'int' },
  } as const;

  constructor(@inject(EXEC_TOKENS.Sessions) private readonly sessions: ExecSessions) {}

  async run(args: ReadArgs): Promise<ExecReadReply> {
    const { maxReadBytes, maxWaitMs } = this.sessions.options;
    const session = this.sessions.get(Number(args.id));
    const r = await session.read(
      intArg('out-offset', args['out-offset'], 0, Number.MAX_SAFE_INTEGER),
      intArg('err-offset', args['err-offset'], 0, Number.MAX_SAFE_INTEGER),
      intArg('max-bytes', args['max-bytes'], 0, maxReadBytes, Math.min(4 * 1024 * 1024, maxReadBytes)),
      intArg('wait-ms', args['wait-ms'], 0, maxWaitMs, 0),
    );
    return {
      'out-offset': r.out.offset,
      'out-data': r.out.data.toString('base64'),
      'out-eof': r.out.eof,
      'err-offset': r.err.offset,
      'err-data': r.err.data.toString('base64'),
      'err-eof': r.err.eof,
      exited: r.status !== undefined,
      ...(r.status?.exitcode !== undefined ? { exitcode: r.status.exitcode } : {}),
      ...(r.status?.signal !== undefined ? { signal: r.status.signal } : {}),
      ...(r.timedOut ? { 'timed-out': true } : {}),
    };
  }
}
