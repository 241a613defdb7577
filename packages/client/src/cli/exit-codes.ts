/** Exit statuses of qga-client (exec passes the guest program's own status through instead). */
export const EXIT = {
  ok: 0,
  usage: 1,
  /** The agent answered with an error (or broke the protocol). */
  agentError: 2,
  /** The agent could not be reached or the connection dropped. */
  connection: 3,
  /** No reply within --timeout. */
  timeout: 4,
} as const;
