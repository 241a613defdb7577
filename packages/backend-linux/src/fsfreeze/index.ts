export type { FsFreezeOptions } from './fsfreeze-options.js';
export type { ToolFailure } from './tool-failure.js';
export type { TrimOutcome } from './fstrim-result.js';
export { LinuxFsFreeze } from './linux-fs-freeze.js';
export { LinuxFsTrim } from './linux-fs-trim.js';
export { FSFREEZE_OPTIONS, fsFreezeOptions } from './fsfreeze-options.js';
export { parseToolFailure } from './tool-failure.js';
export { fstrimOutcome } from './fstrim-result.js';
