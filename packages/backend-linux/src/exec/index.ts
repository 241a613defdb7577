export type { CommandResult, SeparatedResult, HelperEnv, RunOptions } from './run-command.js';
export { LinuxExec } from './linux-exec.js';
export { runCommand, runChecked, describeFailure, DEFAULT_HELPER_ENV, defaultSearchPath } from './run-command.js';
export { findProgram, envListToObject, pathFromEnvList, FALLBACK_PATH } from './find-program.js';
