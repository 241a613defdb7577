/** The agent answered a command with `{"error": {"class": …, "desc": …}}`. */
export class QgaClientError extends Error {
  constructor(
    /** QAPI error class, e.g. `GenericError` or `CommandNotFound`. */
    readonly errorClass: string,
    /** The agent's human-readable description, exactly as sent. */
    readonly desc: string,
    /** The command that failed. */
    readonly command: string,
  ) {
    super(`${command}: ${errorClass}: ${desc}`);
    this.name = 'QgaClientError';
  }
}
