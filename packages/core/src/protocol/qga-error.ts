/** The two error classes the agent ever sends (docs/protocol.md#error-classes). */
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

/**
 * Also recognises a QgaError from another copy of @qga/core (a plugin that
 * bundled its own): same name, a valid class and a message.
 */
export function isQgaError(e: unknown): e is QgaError {
  if (e instanceof QgaError) return true;
  if (!(e instanceof Error)) return false;
  const candidate = e as Error & { errorClass?: unknown };
  return (
    candidate.name === 'QgaError' &&
    (candidate.errorClass === 'GenericError' || candidate.errorClass === 'CommandNotFound') &&
    typeof candidate.message === 'string'
  );
}
