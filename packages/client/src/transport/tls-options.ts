/** TLS client settings for `tls:`/`tcp:` addresses (PEM text or buffers). */
export interface QgaTlsOptions {
  /** Client certificate chain, for agents that require a client certificate. */
  readonly cert?: string | Buffer;
  /** Private key of the client certificate. */
  readonly key?: string | Buffer;
  /** CA certificate(s) that signed the agent's certificate; the system store when omitted. */
  readonly ca?: string | Buffer | Array<string | Buffer>;
  /** Name expected in the agent's certificate; the host name when omitted. */
  readonly servername?: string;
  /** Set false only for testing: accepts any agent certificate. */
  readonly rejectUnauthorized?: boolean;
}
