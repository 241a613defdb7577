export type { FileKind } from './linux-raw-file.js';
export { LinuxFiles } from './linux-files.js';
export { LinuxRawFile } from './linux-raw-file.js';
export { fopenFlags, COMMON_OPEN_FLAGS, NEW_FILE_MODE, O_CLOEXEC } from './fopen-flags.js';
