/** The plugin's own service identifiers (never core's tokens: a plugin only adds commands). */
export const EXEC_TOKENS = {
  Sessions: Symbol.for('qga.exec.Sessions'),
  Options: Symbol.for('qga.exec.Options'),
} as const;
