/** The plugin's own service identifiers (never core's tokens: a plugin only adds commands). */
export const FILES_TOKENS = {
  Uploads: Symbol.for('qga.files.Uploads'),
  Options: Symbol.for('qga.files.Options'),
} as const;
