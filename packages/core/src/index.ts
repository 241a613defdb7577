// Public API of @qga/core: what embedders, plugin authors and backend authors use.
// Shared internals of the @qga/* packages live in ./internal.ts (unstable); see docs/public-api.md.

// Composition: build and run an agent.
export type { CreateAgentOptions, Agent } from './agent/create-agent.js';
export type { AgentConfig } from './agent/agent-config.js';
export type { Backend } from './agent/backend.js';
export type { LogLevel, Logger } from './ports/logger-port.js';
export { createAgent, TransportStartError } from './agent/create-agent.js';
export { AGENT_VERSION, DEFAULT_AGENT_CONFIG } from './agent/agent-config.js';
export { StreamLogger, silentLogger } from './agent/stream-logger.js';
export { PluginPolicyError } from './agent/plugin-guard.js';
export { TOKENS } from './tokens.js';

// Commands: what a plugin's command implements and the helpers it uses.
export type { Command, CommandSpec, CommandContext } from './dispatch/command.js';
export type { ScalarType, EnumType, ListType, StructType, AlternateType, TypeSpec, MembersSpec } from './dispatch/arg-spec.js';
export type { JsonValue, JsonObject } from './protocol/json-value.js';
export type { QgaErrorClass } from './protocol/qga-error.js';
export { qapi } from './dispatch/arg-spec.js';
export { intArg } from './dispatch/int-arg.js';
export { decodeBase64, RawBase64 } from './util/base64.js';
export { QgaError, isQgaError } from './protocol/qga-error.js';

// Ports: what a backend implements and a transport provides.
export type { FopenMode, SeekWhence, RawFile, RawRead, FilesPort } from './ports/files-port.js';
export { FOPEN_MODES } from './ports/files-port.js';
export type { SpawnRequest, ExitStatus, SpawnedProcess, ExecPort } from './ports/exec-port.js';
export type { FsFreezePort, FsTrimPort } from './ports/fsfreeze-port.js';
export type { ShutdownMode, SuspendMode, PowerPort } from './ports/power-port.js';
export type { TimePort } from './ports/time-port.js';
export type { UsersPort, SshKeysPort } from './ports/users-port.js';
export type { NetworkPort } from './ports/network-port.js';
export type { StoragePort } from './ports/storage-port.js';
export type { CpuPort } from './ports/cpu-port.js';
export type { MemoryPort } from './ports/memory-port.js';
export type { SystemInfoPort, DevicesPort } from './ports/system-info-port.js';
export type { TransportSession, Transport, TransportEvents } from './ports/transport-port.js';
export type * from './schema/guest-types.js';
export { GUEST_DISK_BUS_TYPES } from './schema/guest-types.js';
export { Base64Bytes } from './protocol/base64-bytes.js';
export { errnoError } from './util/strerror.js';
