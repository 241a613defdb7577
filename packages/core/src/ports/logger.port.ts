export type LogLevel = 'error' | 'warning' | 'info' | 'debug';

export interface Logger {
  log(level: LogLevel, message: string): void;
}
