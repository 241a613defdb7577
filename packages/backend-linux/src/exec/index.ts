export type { CommandResult, HelperEnv, RunOptions } from './run-command.js';
export { LinuxExec } from './linux-exec.js';
export { runCommand, runChecked, describeFailure, DEFAULT_HELPER_ENV, defaultSearchPath } from './run-command.js';
export { findProgram, envListToObject, pathFromEnvList, FALLBACK_PATH } from './find-program.js';
export { strerror, errnoFromMessage, errnoName, errorCode } from './strerror.js';
export { errnoError } from './errno-error.js';
