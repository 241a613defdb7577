/** No reply arrived within the allowed time. The client resynchronises afterwards. */
export class QgaTimeoutError extends Error {
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
  ) {
    super(`${command}: no reply within ${timeoutMs} ms`);
    this.name = 'QgaTimeoutError';
  }
}
