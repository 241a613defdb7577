/** The agent could not be reached, never became ready, or the connection dropped. */
export class QgaConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QgaConnectionError';
  }
}
