/*
 * Result shapes of the commands the helpers wrap, as they appear on the wire
 * (docs/commands.md#result-types). Integers that may exceed 2^53 are typed `number | bigint`.
 */

/** An integer as the agent sends it: a number, or a bigint when it does not fit a double. */
export type WireInt = number | bigint;

/** One command in guest-info's list. */
export interface GuestAgentCommandInfo {
  readonly name: string;
  readonly enabled: boolean;
  readonly 'success-response': boolean;
}

/** guest-info reply. */
export interface GuestAgentInfo {
  readonly version: string;
  readonly supported_commands: readonly GuestAgentCommandInfo[];
}

/** guest-file-read reply. */
export interface GuestFileRead {
  readonly count: number;
  readonly 'buf-b64': string;
  readonly eof: boolean;
}

/** guest-file-write reply. */
export interface GuestFileWrite {
  readonly count: number;
  readonly eof: boolean;
}

/** guest-fsfreeze-status reply. */
export type GuestFsfreezeStatus = 'thawed' | 'frozen';

/** Outcome of trimming one filesystem. */
export interface GuestFilesystemTrimResult {
  readonly path: string;
  readonly trimmed?: WireInt;
  readonly minimum?: WireInt;
  readonly error?: string;
}

/** guest-fstrim reply. */
export interface GuestFilesystemTrimResponse {
  readonly paths: readonly GuestFilesystemTrimResult[];
}

/** One address of a guest network interface. */
export interface GuestIpAddress {
  readonly 'ip-address': string;
  readonly 'ip-address-type': 'ipv4' | 'ipv6';
  readonly prefix: number;
}

/** Counters of a guest network interface. */
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

/** guest-network-get-interfaces entry. */
export interface GuestNetworkInterface {
  readonly name: string;
  readonly 'hardware-address'?: string;
  readonly 'ip-addresses'?: readonly GuestIpAddress[];
  readonly statistics?: GuestNetworkInterfaceStat;
}

/** guest-exec reply: the pid to poll. */
export interface GuestExec {
  readonly pid: number;
}

/** guest-exec-status reply. */
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

/** guest-get-host-name reply. */
export interface GuestHostName {
  readonly 'host-name': string;
}

/** guest-get-osinfo reply. */
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

/** guest-get-timezone reply. */
export interface GuestTimezone {
  readonly zone?: string;
  readonly offset: number;
}

/** guest-shutdown's `mode`. */
export type GuestShutdownMode = 'halt' | 'powerdown' | 'reboot';
/** Which guest-suspend-* command to send. */
export type GuestSuspendMode = 'disk' | 'ram' | 'hybrid';
