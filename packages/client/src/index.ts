export type { QgaAddress } from './address/qga-address.js';
export type { JsonObject, JsonValue } from './json/json-value.js';
export type { QgaClientOptions, ExecuteOptions, FsfreezeAction } from './client/qga-client.js';
export type { NoReplyWait, StrayReason, QgaSessionOptions, SessionExecuteOptions } from './session/qga-session.js';
export type { QgaTlsOptions } from './transport/tls-options.js';
export type { CallOptions, CommandRunner } from './ops/command-runner.js';
export type { ExecOptions, ExecResult } from './ops/run-guest-exec.js';
export type { FileTransferOptions } from './ops/file-transfer-options.js';
export type { FileData } from './ops/write-guest-file.js';
export type { GuestProcessOptions, GuestProcessExit, PumpOptions } from './ops/guest-process.js';
export type { TransferProgress, VerifiedTransferOptions } from './ops/transfer-progress.js';
export type { PullResult } from './ops/pull-file.js';
export type { PushOptions, PushResult } from './ops/push-file.js';
export type {
  WireInt,
  GuestAgentCommandInfo,
  GuestAgentInfo,
  GuestFileRead,
  GuestFileWrite,
  GuestFsfreezeStatus,
  GuestFilesystemTrimResult,
  GuestFilesystemTrimResponse,
  GuestIpAddress,
  GuestNetworkInterfaceStat,
  GuestNetworkInterface,
  GuestExec,
  GuestExecStatus,
  GuestExecCapture,
  GuestHostName,
  GuestOSInfo,
  GuestTimezone,
  GuestShutdownMode,
  GuestSuspendMode,
} from './types/guest-types.js';

export { QgaClient } from './client/qga-client.js';
export { QgaSession } from './session/qga-session.js';
export { QgaClientError } from './errors/qga-client-error.js';
export { QgaTimeoutError } from './errors/qga-timeout-error.js';
export { QgaConnectionError } from './errors/qga-connection-error.js';
export { QgaProtocolError } from './errors/qga-protocol-error.js';
export { parseAddress, formatAddress } from './address/parse-address.js';
export { parseJson, JsonSyntaxError } from './json/parse-json.js';
export { stringifyJson } from './json/stringify-json.js';
export { NO_REPLY_COMMANDS } from './protocol/no-reply-commands.js';
export { runGuestExec } from './ops/run-guest-exec.js';
export { readGuestFile, readGuestFileToBuffer } from './ops/read-guest-file.js';
export { writeGuestFile } from './ops/write-guest-file.js';
export { GuestProcess, isMissingCommand } from './ops/guest-process.js';
export { pullFile } from './ops/pull-file.js';
export { pushFile } from './ops/push-file.js';
export { VERIFIED_CHUNK_DEFAULT, VERIFIED_CHUNK_MAX, VERIFIED_DEPTH_DEFAULT } from './ops/transfer-progress.js';
export { DEFAULT_CHUNK_SIZE, DEFAULT_PIPELINE_DEPTH, MAX_CHUNK_SIZE } from './ops/file-transfer-options.js';
