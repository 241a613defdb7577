import { inject, injectable } from 'inversify';
import { decodeBase64, type Command } from '@qga/core';
import { EXEC_TOKENS } from '../tokens.js';
import type { ExecSessions } from '../exec-sessions.js';

interface WriteArgs {
  id: bigint;
  data?: string;
  close?: boolean;
}

/** `__org.qga_exec-write`: feeds stdin (base64 `data`), and with `close` ends it. */
@injectable()
export class ExecWriteCommand implements Command<WriteArgs, { count: number }> {
  readonly spec = { name: '__org.qga_exec-write', args: { id: 'int', '*data': 'str', '*close': 'bool' } } as const;

  constructor(@inject(EXEC_TOKENS.Sessions) private readonly sessions: ExecSessions) {}

  async run(args: WriteArgs): Promise<{ count: number }> {
    const session = this.sessions.get(Number(args.id));
    const bytes = decodeBase64(args.data ?? '');
    await session.write(bytes, args.close ?? false);
    return { count: bytes.length };
  }
}
