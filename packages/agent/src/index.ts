// Public API of @qga/agent: the qga program and its reusable parts (tests, the client, embedders).
export type { RunAgentIo } from './run-agent.js';
export type { CommandLine, CliAction, ConfigLocation, ParseResult } from './cli/parse-command-line.js';
export type { OptionDef, ParsedOption, GetoptResult, ArgKind } from './cli/getopt.js';
export type { SettingsLayer, AgentSettings, Method, BackendName } from './config/agent-settings.js';
export type { KeyFile, KeyFileValue } from '@qga/core';
export type { AgentConfigFile } from './config/read-agent-config.js';
export type { PidfileLock, PidfileOptions } from './service/pidfile.js';
export type { ServeContext } from './service/serve.js';

export { runAgent } from './run-agent.js';
export { parseCommandLine, PROGRAM } from './cli/parse-command-line.js';
export { getopt } from './cli/getopt.js';
export { usage, versionLine } from './cli/usage.js';
export { METHODS, BACKENDS, DEFAULTS } from './config/agent-settings.js';
export { parseKeyFile, formatKeyFile, keyFileString, keyFileBoolean, escapeKeyFileString, KeyFileError } from '@qga/core';
export { readAgentConfig } from './config/read-agent-config.js';
export { loadConfigFile } from './config/load-config-file.js';
export { mergeSettings, resolveSettings } from './config/resolve-settings.js';
export { dumpConfig } from './config/dump-config.js';
export { splitRpcList } from './config/split-rpc-list.js';
export { agentConfig, listCommands } from './compose/agent-config.js';
export { selectBackend } from './compose/select-backend.js';
export { loadPlugins, PluginError } from './compose/load-plugins.js';
export { selectTransport } from './compose/select-transport.js';
export { acquirePidfile, PidfileError } from './service/pidfile.js';
export { serve } from './service/serve.js';
export { PKG_VERSION } from './version.js';
