// Public API of @qga/core. Explicit lists only; grows as modules land.
export type { JsonValue, JsonObject } from './protocol/json-value.js';
export type { QgaErrorClass } from './protocol/qga-error.js';
export type { ScalarType, EnumType, ListType, StructType, AlternateType, TypeSpec, MembersSpec } from './dispatch/arg-spec.js';
export type { Command, CommandSpec, CommandContext } from './dispatch/command.js';
export type { AgentConfig } from './agent/agent-config.js';
export type { Backend } from './agent/backend.js';
export type { StateStore } from './services/state-store.js';
export type * from './schema/guest-types.js';
export type { FopenMode, SeekWhence, RawFile, FilesPort } from './ports/files.port.js';
export type { SpawnRequest, ExitStatus, SpawnedProcess, ExecPort } from './ports/exec.port.js';
export type { FsFreezePort, FsTrimPort } from './ports/fsfreeze.port.js';
export type { ShutdownMode, SuspendMode, PowerPort } from './ports/power.port.js';
export type { TimePort } from './ports/time.port.js';
export type { UsersPort, SshKeysPort } from './ports/users.port.js';
export type { NetworkPort } from './ports/network.port.js';
export type { StoragePort } from './ports/storage.port.js';
export type { CpuPort } from './ports/cpu.port.js';
export type { MemoryPort } from './ports/memory.port.js';
export type { SystemInfoPort, DevicesPort } from './ports/system-info.port.js';
export type { TransportSession, Transport, TransportEvents } from './ports/transport.port.js';
export type { LogLevel, Logger } from './ports/logger.port.js';
export type { CreateAgentOptions, Agent } from './agent/create-agent.js';
export type { Lifecycle } from './agent/lifecycle.js';
export type { CommandEntry } from './dispatch/command-registry.js';
export type { Reply } from './dispatch/reply.js';
export type { BuiltinCommand } from './commands/builtin-commands.js';
export type { Inbound } from './protocol/inbound.js';
export type { EncodedReply } from './protocol/json-encoder.js';
export type { KeyFile, KeyFileValue } from './util/key-file.js';
export type { MemoryStateStoreOptions } from './services/memory-state-store.js';

export { INT64_MIN, INT64_MAX, UINT64_MAX, isJsonObject, newJsonObject } from './protocol/json-value.js';
export { QgaError, isQgaError } from './protocol/qga-error.js';
export { qapi } from './dispatch/arg-spec.js';
export { TOKENS, SERVICES } from './tokens.js';
export { AGENT_VERSION, DEFAULT_AGENT_CONFIG } from './agent/agent-config.js';
export { FreezeState } from './services/freeze-state.js';
export { FOPEN_MODES } from './ports/files.port.js';
export { GUEST_DISK_BUS_TYPES } from './schema/guest-types.js';
export { SCHEMA_COMMAND_ORDER, FREEZE_SAFE_COMMANDS } from './schema/command-order.js';
export { createAgent, TransportStartError } from './agent/create-agent.js';
export { guardPlugin, PluginPolicyError } from './agent/plugin-guard.js';
export { StreamLogger, silentLogger } from './agent/stream-logger.js';
export { CommandRegistry } from './dispatch/command-registry.js';
export { Dispatcher } from './dispatch/dispatcher.js';
export { validateArgs } from './dispatch/arg-validator.js';
export { intArg } from './dispatch/int-arg.js';
export { qdictOrder, qdictBucket } from './protocol/qdict-order.js';
export { builtinCommands } from './commands/builtin-commands.js';
export { coreServicesModule } from './services/core-services.module.js';
export { CoreServicesLifecycle } from './services/core-lifecycle.js';
export { FileStateStore } from './services/file-state-store.js';
export { MemoryStateStore } from './services/memory-state-store.js';
export { FileHandles } from './services/file-handles.js';
export { StdioFile } from './services/stdio-file.js';
export { ExecRecords, EXEC_MAX_OUTPUT } from './services/exec-records.js';
export { FsFreezeController } from './services/fsfreeze-controller.js';
export { runProgram, helperFailureMessage } from './services/program-runner.js';
export { strerror, errnoNumber, errnoCode, errorCode, errorText, errnoError, errnoOf, isEnoent, errnoFromMessage } from './util/strerror.js';
export { decodeBase64 } from './util/base64.js';
export { makeDirectory } from './util/make-directory.js';
export { nextSessionId } from './util/next-session-id.js';
export { checkSettableTime } from './commands/time-commands.js';
export { FILE_READ_COUNT_DEFAULT, FILE_READ_COUNT_MAX } from './commands/file-commands.js';
export { CAPTURE_OUTPUT_MODES } from './commands/exec-commands.js';
export { JsonStreamDecoder, decodeJsonStream } from './protocol/json-stream-decoder.js';
export { encodeJson, encodeReply, SlicedReply, REPLY_SLICE, MAX_ENCODE_DEPTH } from './protocol/json-encoder.js';
export { Base64Bytes } from './protocol/base64-bytes.js';
export { ReplyBacklog } from './agent/reply-backlog.js';
export { REPLY_BACKLOG_LIMIT, REQUEST_BACKLOG_LIMIT } from './agent/session-pipeline.js';
export {
  MAX_TOKEN_SIZE,
  MAX_TOKEN_COUNT,
  MAX_NESTING,
  TOKEN_SIZE_LIMIT_DESC,
  TOKEN_COUNT_LIMIT_DESC,
  NESTING_LIMIT_DESC,
} from './protocol/json-limits.js';
export { parseKeyFile, formatKeyFile, keyFileString, keyFileBoolean, escapeKeyFileString, KeyFileError } from './util/key-file.js';
