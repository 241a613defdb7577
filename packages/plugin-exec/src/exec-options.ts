/** Limits of the exec plugin (createExecPlugin's argument). */
export interface ExecPluginOptions {
  /** Programs that may be tracked at once (default 64). */
  readonly maxSessions?: number;
  /** Unread bytes per stream before the plugin stops reading the program (default 8 MiB). */
  readonly highWaterBytes?: number;
  /** A record nobody has touched for this long is dropped, its process group killed (default 5 min). */
  readonly defaultExpireMs?: number;
  /** Largest `max-bytes` of one read, per stream (default 16 MiB; base64 keeps replies far below the 64 MiB token limit). */
  readonly maxReadBytes?: number;
  /** Longest `wait-ms` of one read (default 60 s). */
  readonly maxWaitMs?: number;
  /** After the program exits, how long its pipes may stay open (background children) before they are closed (default 1 s). */
  readonly pipeGraceMs?: number;
}

export type ResolvedExecOptions = Required<ExecPluginOptions>;

export function resolveExecOptions(options: ExecPluginOptions = {}): ResolvedExecOptions {
  return {
    maxSessions: options.maxSessions ?? 64,
    highWaterBytes: options.highWaterBytes ?? 8 * 1024 * 1024,
    defaultExpireMs: options.defaultExpireMs ?? 300_000,
    maxReadBytes: options.maxReadBytes ?? 16 * 1024 * 1024,
    maxWaitMs: options.maxWaitMs ?? 60_000,
    pipeGraceMs: options.pipeGraceMs ?? 1000,
  };
}
