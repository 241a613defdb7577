// Public API of @qga/plugin-exec.
export type { ExecPluginOptions } from './exec-options.js';
export type { ExecReadReply } from './commands/exec-read-command.js';

export { createExecPlugin, EXEC_COMMANDS } from './exec-plugin.js';
export { EXEC_TOKENS } from './exec-tokens.js';
export { OutputBuffer } from './output-buffer.js';
export { parseSignal } from './signals.js';

import { createExecPlugin } from './exec-plugin.js';

/** What `qga --plugin=@qga/plugin-exec` loads: the plugin with default limits. */
const execPlugin = createExecPlugin();
export default execPlugin;
