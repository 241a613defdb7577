import { constants } from 'node:os';
import type { GuestExecCaptureOutputMode } from '@qga/core';
import type { MockFileSystem } from './mock-fs.js';

/** What a scripted program sees and can do. */
export interface ProgramContext {
  /** Absolute path the program was found at. */
  readonly path: string;
  /** argv[0] as requested, then the arguments. */
  readonly argv: readonly string[];
  readonly args: readonly string[];
  /** The environment (`NAME=value`): the request's, or the guest's default. */
  readonly env: readonly string[];
  /** Everything sent as input-data (empty when none). */
  readonly stdin: Buffer;
  /** The guest's filesystem, e.g. for a `cat` of a file. */
  readonly fs: MockFileSystem;
  /** Write to the process's standard output. */
  stdout(data: string | Uint8Array): void;
  /** Write to the process's standard error. */
  stderr(data: string | Uint8Array): void;
  /** Wait (real time); resolves early when the process is killed. */
  sleep(ms: number): Promise<void>;
  /** Aborted when the process is killed. */
  readonly signal: AbortSignal;
}

/** Exit code (number or undefined = 0), or death by a signal. */
export type ProgramResult = number | void | { readonly exitcode: number } | { readonly signal: number | NodeJS.Signals };

/** The body of a scripted program: runs when the agent spawns it, returns how it exits. */
export type ProgramHandler = (ctx: ProgramContext) => ProgramResult | Promise<ProgramResult>;

/** One process the guest ran, for assertions. */
export interface ProgramRun {
  readonly pid: number;
  readonly path: string;
  readonly argv: readonly string[];
  readonly env: readonly string[];
  readonly stdin: Buffer;
  readonly capture: GuestExecCaptureOutputMode;
  /** Set when it finished. */
  exit?: { exitcode?: number; signal?: number };
}

/** The PATH a spawned program gets when the request brings no environment. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Signal number for a name or number (SIGTERM → 15). */
export function signalNumber(signal: number | NodeJS.Signals): number {
  return typeof signal === 'number' ? signal : ((constants.signals as Record<string, number>)[signal] ?? 15);
}

/**
 * The guest's programs: a path → handler table. A program runs only if it
 * was defined (or is a built-in default); anything else fails to start
 * with ENOENT. Lookup follows PATH (the request's `env` PATH when given)
 * for names without a slash.
 */
export class MockPrograms {
  private readonly table = new Map<string, ProgramHandler>();
  /** Every process started, oldest first. */
  readonly runs: ProgramRun[] = [];
  /** The environment programs get when the request has none. */
  env: string[] = [`PATH=${DEFAULT_PATH}`, 'HOME=/root', 'LANG=C.UTF-8'];

  constructor(private readonly fs: MockFileSystem) {}

  /** Define (or replace) the program at an absolute path. */
  define(path: string, handler: ProgramHandler): void {
    this.table.set(this.fs.resolve(path), handler);
  }

  /** Forget the program at `path`. */
  remove(path: string): void {
    this.table.delete(this.fs.resolve(path));
  }

  /** Whether a program is installed at `path`. */
  has(path: string): boolean {
    return this.table.has(this.fs.resolve(path));
  }

  /** The handler and absolute path for a requested program, or undefined. */
  find(name: string, env: readonly string[] | undefined): { path: string; handler: ProgramHandler } | undefined {
    const candidates: string[] = [];
    if (name.includes('/')) candidates.push(this.fs.resolve(name));
    else {
      const pathVar = (env ?? this.env).find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
      for (const dir of pathVar.split(':')) if (dir !== '') candidates.push(this.fs.resolve(`${dir}/${name}`));
    }
    for (const path of candidates) {
      const handler = this.table.get(path);
      if (handler !== undefined) return { path, handler };
    }
    return undefined;
  }

  /** Install echo, true, false, cat and sleep in /bin. */
  installDefaults(): void {
    this.define('/bin/echo', (ctx) => {
      const noNewline = ctx.args[0] === '-n';
      const words = noNewline ? ctx.args.slice(1) : ctx.args;
      ctx.stdout(words.join(' ') + (noNewline ? '' : '\n'));
      return 0;
    });
    this.define('/bin/true', () => 0);
    this.define('/bin/false', () => 1);
    this.define('/bin/cat', (ctx) => {
      if (ctx.args.length === 0) {
        ctx.stdout(ctx.stdin);
        return 0;
      }
      let status = 0;
      for (const file of ctx.args) {
        try {
          ctx.stdout(ctx.fs.readFile(file));
        } catch (e) {
          ctx.stderr(`cat: ${file}: ${(e as Error).message}\n`);
          status = 1;
        }
      }
      return status;
    });
    this.define('/bin/sleep', async (ctx) => {
      const seconds = Number(ctx.args[0]);
      if (!Number.isFinite(seconds) || seconds < 0) {
        ctx.stderr(`sleep: invalid time interval '${ctx.args[0] ?? ''}'\n`);
        return 1;
      }
      await ctx.sleep(seconds * 1000);
      return 0;
    });
  }
}
