/*
 * Result shapes of the commands the helpers wrap, as they appear on the wire
 * (docs/commands.md#result-types). Integers that may exceed 2^53 are typed `number | bigint`.
 */

export type WireInt = number | bigint;

export interface GuestAgentCommandInfo {
  readonly name: string;
  readonly enabled: boolean;
  readonly 'success-response': boolean;
}

export interface GuestAgentInfo {
  readonly version: string;
  readonly supported_commands: readonly GuestAgentCommandInfo[];
}

export interface GuestFileRead {
  readonly count: number;
  readonly 'buf-b64': string;
  readonly eof: boolean;
}

export interface GuestFileWrite {
  readonly count: number;
  readonly eof: boolean;
}

export type GuestFsfreezeStatus = 'thawed' | 'frozen';

export interface GuestFilesystemTrimResult {
  readonly path: string;
  readonly trimmed?: WireInt;
  readonly minimum?: WireInt;
  readonly error?: string;
}

export interface GuestFilesystemTrimResponse {
  readonly paths: readonly GuestFilesystemTrimResult[];
}

export interface GuestIpAddress {
  readonly 'ip-address': string;
  readonly 'ip-address-type': 'ipv4' | 'ipv6';
  readonly prefix: number;
}

export interface GuestNetworkInterfaceStat {
  readonly 'rx-bytes': WireInt;
  readonly 'rx-packets': WireInt;
  readonly 'rx-errs': WireInt;
  readonly 'rx-dropped': WireInt;
  readonly 'tx-bytes': WireInt;
  readonly 'tx-packets': WireInt;
  readonly 'tx-errs': WireInt;
  readonly 'tx-dropped': WireInt;
}

export interface GuestNetworkInterface {
  readonly name: string;
  readonly 'hardware-address'?: string;
  readonly 'ip-addresses'?: readonly GuestIpAddress[];
  readonly statistics?: GuestNetworkInterfaceStat;
}

export interface GuestExec {
  readonly pid: number;
}

export interface GuestExecStatus {
  readonly exited: boolean;
  readonly exitcode?: number;
  readonly signal?: number;
  readonly 'out-data'?: string;
  readonly 'err-data'?: string;
  readonly 'out-truncated'?: boolean;
  readonly 'err-truncated'?: boolean;
}

/** `capture-output` of guest-exec: a bool (any agent) or a mode (agents since QEMU 8.0). */
export type GuestExecCapture = boolean | 'none' | 'stdout' | 'stderr' | 'separated' | 'merged';

export interface GuestHostName {
  readonly 'host-name': string;
}

export interface GuestOSInfo {
  readonly 'kernel-release'?: string;
  readonly 'kernel-version'?: string;
  readonly machine?: string;
  readonly id?: string;
  readonly name?: string;
  readonly 'pretty-name'?: string;
  readonly version?: string;
  readonly 'version-id'?: string;
  readonly variant?: string;
  readonly 'variant-id'?: string;
}

export interface GuestTimezone {
  readonly zone?: string;
  readonly offset: number;
}

export type GuestShutdownMode = 'halt' | 'powerdown' | 'reboot';
export type GuestSuspendMode = 'disk' | 'ram' | 'hybrid';
