import type { MembersSpec } from './arg-spec.js';

/** What a command declares about itself; the dispatcher enforces all of it. */
export interface CommandSpec {
  /** Wire name, e.g. `guest-ping`; vendor commands use `__<reverse.domain>_<name>`. */
  readonly name: string;
  /** Argument schema; omitted when the command takes no arguments. */
  readonly args?: MembersSpec;
  /** When false, nothing is sent on success (errors still are). Default true. */
  readonly successResponse?: boolean;
  /** Stays enabled while filesystems are frozen. Default false. */
  readonly allowedWhileFrozen?: boolean;
}

/** Per-request facts and hooks a command may use. */
export interface CommandContext {
  /** Identifies the connection the request came from (for logs and per-client state). */
  readonly sessionId: number;
  /** Ask for a single 0xFF byte before this request's reply (guest-sync-delimited). */
  delimitReply(): void;
}

/**
 * A command: a spec plus a handler. Built-ins and plugins alike are bound to
 * TOKENS.Command and collected with `@multiInject`. A handler returns the
 * `return` value (`undefined` means `{}`) or throws a QgaError.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds commands of every argument type; `unknown` would reject them (run's parameter is contravariant)
export interface Command<A = any, R = unknown> {
  readonly spec: CommandSpec;
  /**
   * Do the command: `args` are already validated against `spec.args`; the result becomes the
   * `return` member of the reply.
   */
  run(args: A, ctx: CommandContext): R | Promise<R>;
}
