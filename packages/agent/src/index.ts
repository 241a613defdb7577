// Public API of @qga/agent: run the qga program in-process. Everything else in this
// package (command line, config file, service mode) is the program's own business.
export type { RunAgentIo } from './run-agent.js';
export { runAgent } from './run-agent.js';
export { PKG_VERSION } from './version.js';
