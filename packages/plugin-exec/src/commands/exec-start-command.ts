import { userInfo } from 'node:os';
import { inject, injectable } from 'inversify';
import { qapi, QgaError, type Command, intArg } from '@qga/core';
import { EXEC_TOKENS } from '../tokens.js';
import type { ExecSessions } from '../exec-sessions.js';

interface StartArgs {
  path?: string;
  arg?: string[];
  env?: string[];
  cwd?: string;
  pty?: boolean;
  rows?: bigint;
  cols?: bigint;
  term?: string;
  'merge-output'?: boolean;
  'timeout-ms'?: bigint;
  'expire-ms'?: bigint;
}

/** The agent user's login shell: what `path` defaults to for a terminal. */
function loginShell(): string {
  try {
    return userInfo().shell || '/bin/sh';
  } catch {
    return '/bin/sh';
  }
}

/** `__org.qga_exec-start`: starts a program on a PTY or pipes; returns its record id. */
@injectable()
export class ExecStartCommand implements Command<StartArgs, { id: number; pid: number }> {
  readonly spec = {
    name: '__org.qga_exec-start',
    args: {
      '*path': 'str',
      '*arg': qapi.list('str'),
      '*env': qapi.list('str'),
      '*cwd': 'str',
      '*pty': 'bool',
      '*rows': 'int',
      '*cols': 'int',
      '*term': 'str',
      '*merge-output': 'bool',
      '*timeout-ms': 'int',
      '*expire-ms': 'int',
    },
  } as const;

  constructor(@inject(EXEC_TOKENS.Sessions) private readonly sessions: ExecSessions) {}

  async run(args: StartArgs): Promise<{ id: number; pid: number }> {
    const pty = args.pty ?? false;
    const path = args.path ?? (pty ? loginShell() : undefined);
    if (path === undefined || path === '')
      throw new QgaError("Parameter 'path' is missing (only a pty session defaults to the login shell)");
    if (!pty && (args.rows !== undefined || args.cols !== undefined || args.term !== undefined)) {
      throw new QgaError("Parameters 'rows', 'cols' and 'term' need 'pty': true");
    }
    if (pty && args['merge-output'] !== undefined)
      throw new QgaError("Parameter 'merge-output' is for pipes (a terminal already merges its output)");
    const session = await this.sessions.start(
      {
        path,
        args: args.arg ?? [],
        env: args.env,
        cwd: args.cwd,
        pty: pty
          ? {
              rows: intArg('rows', args.rows, 1, 10_000, 24),
              cols: intArg('cols', args.cols, 1, 10_000, 80),
              term: args.term ?? 'xterm-256color',
            }
          : undefined,
        mergeOutput: args['merge-output'] ?? false,
      },
      intArg('timeout-ms', args['timeout-ms'], 1, 2 ** 31 - 1),
      intArg('expire-ms', args['expire-ms'], 100, 2 ** 31 - 1),
    );
    return { id: session.id, pid: session.pid };
  }
}
