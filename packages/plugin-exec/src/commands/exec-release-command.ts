import { inject, injectable } from 'inversify';
import type { Command } from '@qga/core';
import { EXEC_TOKENS } from '../tokens.js';
import type { ExecSessions } from '../exec-sessions.js';

/** `__org.qga_exec-release`: forgets a record; a program still running is killed with its group. */
@injectable()
export class ExecReleaseCommand implements Command<{ id: bigint }, Record<string, never>> {
  readonly spec = { name: '__org.qga_exec-release', args: { id: 'int' } } as const;

  constructor(@inject(EXEC_TOKENS.Sessions) private readonly sessions: ExecSessions) {}

  run(args: { id: bigint }): Record<string, never> {
    this.sessions.get(Number(args.id));
    this.sessions.release(Number(args.id));
    return {};
  }
}
