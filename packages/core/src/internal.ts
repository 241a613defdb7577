// @qga/core/internal: what the other @qga/* packages share with core but users
// should not rely on. No semver promise: anything here may change or go in any
// release (docs/public-api.md).
export type { Lifecycle } from './agent/lifecycle.js';
export type { StateStore } from './services/state-store.js';
export type { KeyFile, KeyFileValue } from './util/key-file.js';
export { INTERNAL_TOKENS } from './tokens.js';
export { CommandRegistry } from './dispatch/command-registry.js';
export { Dispatcher } from './dispatch/dispatcher.js';
export { FreezeState } from './services/freeze-state.js';
export { helperFailureMessage } from './services/program-runner.js';
export { strerror, errnoNumber, errnoCode, errorCode, errorText, errnoOf, isEnoent } from './util/strerror.js';
export { makeDirectory } from './util/make-directory.js';
export { closeQuietly } from './util/close-quietly.js';
export { ioBuffers } from './util/buffer-pool.js';
export { nextSessionId } from './util/next-session-id.js';
export { newJsonObject } from './protocol/json-value.js';
export { JsonStreamDecoder } from './protocol/json-stream-decoder.js';
export { validateArgs } from './dispatch/arg-validator.js';
export { encodeReply } from './protocol/json-encoder.js';
export { parseKeyFile, formatKeyFile, keyFileString, keyFileBoolean, escapeKeyFileString, KeyFileError } from './util/key-file.js';
