// Public API of @qga/plugin-exec.
export type { ExecPluginOptions } from './exec-options.js';
export type { ExecReadReply } from './commands/exec-read-command.js';

export { createExecPlugin } from './exec-plugin.js';
export { EXEC_TOKENS } from './tokens.js';

import { createExecPlugin } from './exec-plugin.js';

/** What `qga --plugin=@qga/plugin-exec` loads: the plugin with default limits. */
const execPlugin = createExecPlugin();
export default execPlugin;
