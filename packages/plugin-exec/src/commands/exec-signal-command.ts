import { inject, injectable } from 'inversify';
import { qapi, type Command } from '@qga/core';
import { EXEC_TOKENS } from '../tokens.js';
import type { ExecSessions } from '../exec-sessions.js';
import { parseSignal } from '../signals.js';

interface SignalArgs {
  id: bigint;
  signal?: bigint | string;
}

/** `__org.qga_exec-signal`: sends a signal (default SIGTERM) to the program's process group. */
@injectable()
export class ExecSignalCommand implements Command<SignalArgs, { delivered: boolean }> {
  readonly spec = {
    name: '__org.qga_exec-signal',
    args: { id: 'int', '*signal': qapi.alternate('ExecSignal', { int: 'int', str: 'str' }) },
  } as const;

  constructor(@inject(EXEC_TOKENS.Sessions) private readonly sessions: ExecSessions) {}

  run(args: SignalArgs): { delivered: boolean } {
    const session = this.sessions.get(Number(args.id));
    const signal = parseSignal(args.signal === undefined ? 'SIGTERM' : String(args.signal));
    session.touch();
    return { delivered: session.killGroup(signal) };
  }
}
