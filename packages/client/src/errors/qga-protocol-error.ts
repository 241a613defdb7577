/** The agent sent something the protocol does not allow (an unparseable or missing reply). */
export class QgaProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QgaProtocolError';
  }
}
