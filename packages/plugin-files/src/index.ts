// Public API of @qga/plugin-files.
export type { FilesPluginOptions } from './files-options.js';
export type { FileReadReply } from './commands/file-read-command.js';
export type { FileStatReply } from './commands/file-stat-command.js';

export { createFilesPlugin } from './files-plugin.js';
export { FILES_TOKENS } from './tokens.js';

import { createFilesPlugin } from './files-plugin.js';

/** What `qga --plugin=@qga/plugin-files` loads: the plugin with default limits. */
const filesPlugin = createFilesPlugin();
export default filesPlugin;
