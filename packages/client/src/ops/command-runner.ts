import type { JsonObject, JsonValue } from '../json/json-value.js';

/** Per-call options of QgaClient.execute. */
export interface CallOptions {
  /** Reply deadline for this call; the client's default when omitted. */
  readonly timeoutMs?: number;
}

/** What the helpers need from a client: one request, one reply. */
export interface CommandRunner {
  /** Send one command and resolve with its `return` value (rejects with the agent's error). */
  execute<T = JsonValue>(command: string, args?: JsonObject, options?: CallOptions): Promise<T>;
}
