/** Severity of a log line, most severe first. */
export type LogLevel = 'error' | 'warning' | 'info' | 'debug';

/** Where the agent writes its log lines (stderr, a file, syslog, or nowhere). */
export interface Logger {
  /** Record one line at `level`. */
  log(level: LogLevel, message: string): void;
}
