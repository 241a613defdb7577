import { intArg } from '@qga/core';
import { inject, injectable } from 'inversify';
import type { Command } from '@qga/core';
import { EXEC_TOKENS } from '../tokens.js';
import type { ExecSessions } from '../exec-sessions.js';

interface ResizeArgs {
  id: bigint;
  rows: bigint;
  cols: bigint;
}

/** `__org.qga_exec-resize`: new terminal size (the program gets SIGWINCH). */
@injectable()
export class ExecResizeCommand implements Command<ResizeArgs, Record<string, never>> {
  readonly spec = { name: '__org.qga_exec-resize', args: { id: 'int', rows: 'int', cols: 'int' } } as const;

  constructor(@inject(EXEC_TOKENS.Sessions) private readonly sessions: ExecSessions) {}

  run(args: ResizeArgs): Record<string, never> {
    this.sessions.get(Number(args.id)).resize(intArg('rows', args.rows, 1, 10_000, 24), intArg('cols', args.cols, 1, 10_000, 80));
    return {};
  }
}
