/** The two error classes the agent ever sends (spec §1.3). */
export type QgaErrorClass = 'GenericError' | 'CommandNotFound';

/**
 * An error that reaches the host as `{"error": {"class", "desc"}}`.
 * Commands and ports throw it with the exact desc the protocol defines.
 */
export class QgaError extends Error {
  readonly errorClass: QgaErrorClass;

  constructor(desc: string, errorClass: QgaErrorClass = 'GenericError') {
    super(desc);
    this.name = 'QgaError';
    this.errorClass = errorClass;
  }

  get desc(): string {
    return this.message;
  }
}

export function isQgaError(e: unknown): e is QgaError {
  return e instanceof QgaError;
}
