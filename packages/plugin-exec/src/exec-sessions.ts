import { inject, injectable } from 'inversify';
import { QgaError } from '@qga/core';
import type { StartRequest } from './child-process.js';
import { EXEC_TOKENS } from './tokens.js';
import type { ResolvedExecOptions } from './exec-options.js';
import { ExecSession } from './exec-session.js';

/** Every live exec record, by id. Records expire when nobody touches them. */
@injectable()
export class ExecSessions {
  private readonly sessions = new Map<number, ExecSession>();
  private nextId = 1;
  private exitHookInstalled = false;

  constructor(@inject(EXEC_TOKENS.Options) readonly options: ResolvedExecOptions) {}

  async start(request: StartRequest, timeoutMs: number | undefined, expireMs: number | undefined): Promise<ExecSession> {
    if (this.sessions.size >= this.options.maxSessions) {
      throw new QgaError(`too many exec records (${this.options.maxSessions}); release some with __org.qga_exec-release`);
    }
    this.installExitHook();
    const id = this.nextId++;
    const session = await ExecSession.start(
      id,
      request,
      { timeoutMs, expireMs: expireMs ?? this.options.defaultExpireMs },
      this.options,
      (expired) => this.release(expired.id),
    );
    this.sessions.set(id, session);
    return session;
  }

  get(id: number): ExecSession {
    const session = this.sessions.get(id);
    if (session === undefined) throw new QgaError(`no exec record ${id} (never started, released, or expired)`);
    return session;
  }

  release(id: number): void {
    const session = this.sessions.get(id);
    if (session === undefined) return;
    this.sessions.delete(id);
    session.dispose();
  }

  /** When the agent goes, so do the programs it started and nobody released. */
  private installExitHook(): void {
    if (this.exitHookInstalled) return;
    this.exitHookInstalled = true;
    process.once('exit', () => {
      for (const session of this.sessions.values()) session.killGroup('SIGKILL');
    });
  }
}
