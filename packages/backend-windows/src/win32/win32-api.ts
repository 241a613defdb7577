import { loadKoffi, type KoffiModule } from './load-koffi.js';

/** A Win32 HANDLE as koffi returns an `intptr`: a number (INVALID_HANDLE_VALUE is -1). */
export type Handle = number;
/** An opaque pointer returned by Win32 (koffi external). */
export type Ptr = unknown;
/** `[value]`: koffi writes an out-parameter into element 0. */
export type Out<T> = [T];
type Buf = Buffer | null;
/** A koffi function that can also run on libuv's thread pool: `.async(...args, callback)`. */
export type AsyncCapable<F extends (...args: never[]) => unknown> = F & {
  async(...args: [...Parameters<F>, (err: unknown, result: ReturnType<F>) => void]): void;
};
type Str = string | null;

/**
 * The Win32 functions qga calls, bound once through koffi. Buffers are passed
 * as `void *` and laid out by the callers (offsets for x64 are in each
 * parser); BOOL is `int`. Only ever built on Windows.
 */
export interface Win32Api {
  readonly koffi: KoffiModule;
  GetLastError(): number;
  FormatMessageW(flags: number, source: Buf, id: number, lang: number, buf: Buffer, size: number, args: Buf): number;
  GetComputerNameExW(format: number, buf: Buffer, size: Out<number>): number;
  GetSystemTimePreciseAsFileTime(ft: Buffer): void;
  FileTimeToSystemTime(ft: Buffer, st: Buffer): number;
  SetSystemTime(st: Buffer): number;
  GetDynamicTimeZoneInformation(tz: Buffer): number;
  GetNativeSystemInfo(info: Buffer): void;
  GetLogicalProcessorInformationEx(relation: number, buf: Buf, size: Out<number>): number;
  GlobalMemoryStatusEx(status: Buffer): number;
  FindFirstVolumeW(name: Buffer, chars: number): Handle;
  FindNextVolumeW(handle: Handle, name: Buffer, chars: number): number;
  FindVolumeClose(handle: Handle): number;
  GetVolumePathNamesForVolumeNameW(volume: string, buf: Buffer, chars: number, needed: Out<number>): number;
  GetVolumeInformationW(
    root: string,
    name: Buf,
    nameChars: number,
    serial: Buf,
    maxComponent: Buf,
    flags: Buf,
    fsName: Buf,
    fsChars: number,
  ): number;
  GetDiskFreeSpaceExW(path: string, availableToCaller: Buffer, total: Buffer, free: Buffer): number;
  GetDriveTypeW(root: string): number;
  GetLogicalDriveStringsW(chars: number, buf: Buffer): number;
  GetOEMCP(): number;
  GetACP(): number;
  CreateFileW(name: string, access: number, share: number, security: Buf, disposition: number, flags: number, template: Handle): Handle;
  CloseHandle(handle: Handle): number;
  DeviceIoControl(
    handle: Handle,
    code: number,
    input: Buf,
    inSize: number,
    output: Buf,
    outSize: number,
    returned: Out<number>,
    overlapped: Buf,
  ): number;
  GetCurrentProcess(): Handle;
  CreateEventW(security: Buf, manualReset: number, initialState: number, name: Str): Handle;
  ReadFile(handle: Handle, buf: Buffer, size: number, read: Buf, overlapped: Buffer): number;
  WriteFile(handle: Handle, buf: Uint8Array, size: number, written: Buf, overlapped: Buffer): number;
  /** Blocking wait for an overlapped operation: call it through `.async` (libuv's pool). */
  GetOverlappedResult: AsyncCapable<(handle: Handle, overlapped: Buffer, transferred: Buffer, wait: number) => number>;
  CancelIoEx(handle: Handle, overlapped: Buf): number;
  SetCommTimeouts(handle: Handle, timeouts: Buffer): number;
  RtlGetVersion(info: Buffer): number;
  OpenProcessToken(process: Handle, access: number, token: Out<Handle>): number;
  LookupPrivilegeValueW(system: Str, name: string, luid: Buffer): number;
  AdjustTokenPrivileges(token: Handle, disableAll: number, state: Buffer, size: number, previous: Buf, returned: Buf): number;
  RegGetValueW(key: number, subKey: string, value: string, flags: number, type: Buf, data: Buf, size: Out<number>): number;
  InitiateSystemShutdownExW(machine: Str, message: Str, timeout: number, force: number, reboot: number, reason: number): number;
  GetAdaptersAddresses(family: number, flags: number, reserved: Buf, buf: Buf, size: Out<number>): number;
  GetIfEntry2(row: Buffer): number;
  GetIpForwardTable2(family: number, table: Out<Ptr>): number;
  FreeMibTable(table: Ptr): void;
  WTSEnumerateSessionsW(server: Handle, reserved: number, version: number, info: Out<Ptr>, count: Out<number>): number;
  WTSQuerySessionInformationW(server: Handle, session: number, infoClass: number, buf: Out<Ptr>, bytes: Out<number>): number;
  WTSFreeMemory(mem: Ptr): void;
  NetUserGetInfo(server: Str, user: string, level: number, buf: Out<Ptr>): number;
  NetUserSetInfo(server: Str, user: string, level: number, info: { usri1003_password: string }, parmErr: Out<number>): number;
  NetApiBufferFree(buf: Ptr): number;
  SetupDiGetClassDevsW(guid: Buf, enumerator: Str, hwnd: Handle, flags: number): Handle;
  SetupDiEnumDeviceInfo(set: Handle, index: number, data: Buffer): number;
  SetupDiGetDeviceRegistryPropertyW(
    set: Handle,
    data: Buffer,
    property: number,
    type: Buf,
    buf: Buf,
    size: number,
    required: Out<number>,
  ): number;
  SetupDiGetDevicePropertyW(
    set: Handle,
    data: Buffer,
    key: Buffer,
    type: Out<number>,
    buf: Buf,
    size: number,
    required: Out<number>,
    flags: number,
  ): number;
  SetupDiDestroyDeviceInfoList(set: Handle): number;
  GetPwrCapabilities(caps: Buffer): number;
  SetSuspendState(hibernate: number, force: number, disableWake: number): number;
  GetProfilesDirectoryW(buf: Buffer, chars: Out<number>): number;
  PdhOpenQueryW(source: Str, data: number, query: Out<number>): number;
  PdhAddEnglishCounterW(query: number, path: string, data: number, counter: Out<number>): number;
  PdhCollectQueryData(query: number): number;
  PdhGetFormattedCounterValue(counter: number, format: number, type: Buf, value: Buffer): number;
}

const DECLARATIONS: Record<string, readonly string[]> = {
  'kernel32.dll': [
    'uint32_t GetLastError()',
    'uint32_t FormatMessageW(uint32_t flags, void *source, uint32_t id, uint32_t lang, void *buf, uint32_t size, void *args)',
    'int GetComputerNameExW(int format, void *buf, _Inout_ uint32_t *size)',
    'void GetSystemTimePreciseAsFileTime(void *ft)',
    'int FileTimeToSystemTime(void *ft, void *st)',
    'int SetSystemTime(void *st)',
    'uint32_t GetDynamicTimeZoneInformation(void *tz)',
    'void GetNativeSystemInfo(void *info)',
    'int GetLogicalProcessorInformationEx(int relation, void *buf, _Inout_ uint32_t *size)',
    'int GlobalMemoryStatusEx(void *status)',
    'intptr_t FindFirstVolumeW(void *name, uint32_t chars)',
    'int FindNextVolumeW(intptr_t handle, void *name, uint32_t chars)',
    'int FindVolumeClose(intptr_t handle)',
    'int GetVolumePathNamesForVolumeNameW(str16 volume, void *buf, uint32_t chars, _Out_ uint32_t *needed)',
    'int GetVolumeInformationW(str16 root, void *name, uint32_t nameChars, void *serial, void *maxComponent, void *flags, void *fsName, uint32_t fsChars)',
    'int GetDiskFreeSpaceExW(str16 path, void *available, void *total, void *free)',
    'uint32_t GetDriveTypeW(str16 root)',
    'uint32_t GetLogicalDriveStringsW(uint32_t chars, void *buf)',
    'uint32_t GetOEMCP()',
    'uint32_t GetACP()',
    'intptr_t CreateFileW(str16 name, uint32_t access, uint32_t share, void *security, uint32_t disposition, uint32_t flags, intptr_t template)',
    'int CloseHandle(intptr_t handle)',
    'int DeviceIoControl(intptr_t handle, uint32_t code, void *input, uint32_t inSize, void *output, uint32_t outSize, _Out_ uint32_t *returned, void *overlapped)',
    'intptr_t GetCurrentProcess()',
    'intptr_t CreateEventW(void *security, int manualReset, int initialState, str16 name)',
    'int ReadFile(intptr_t handle, void *buf, uint32_t size, void *read, void *overlapped)',
    'int WriteFile(intptr_t handle, void *buf, uint32_t size, void *written, void *overlapped)',
    'int GetOverlappedResult(intptr_t handle, void *overlapped, void *transferred, int wait)',
    'int CancelIoEx(intptr_t handle, void *overlapped)',
    'int SetCommTimeouts(intptr_t handle, void *timeouts)',
  ],
  'ntdll.dll': ['int32_t RtlGetVersion(void *info)'],
  'advapi32.dll': [
    'int OpenProcessToken(intptr_t process, uint32_t access, _Out_ intptr_t *token)',
    'int LookupPrivilegeValueW(str16 system, str16 name, void *luid)',
    'int AdjustTokenPrivileges(intptr_t token, int disableAll, void *state, uint32_t size, void *previous, void *returned)',
    'int32_t RegGetValueW(intptr_t key, str16 subKey, str16 value, uint32_t flags, void *type, void *data, _Inout_ uint32_t *size)',
    'int InitiateSystemShutdownExW(str16 machine, str16 message, uint32_t timeout, int force, int reboot, uint32_t reason)',
  ],
  'iphlpapi.dll': [
    'uint32_t GetAdaptersAddresses(uint32_t family, uint32_t flags, void *reserved, void *buf, _Inout_ uint32_t *size)',
    'uint32_t GetIfEntry2(void *row)',
    'uint32_t GetIpForwardTable2(uint16_t family, _Out_ void **table)',
    'void FreeMibTable(void *table)',
  ],
  'wtsapi32.dll': [
    'int WTSEnumerateSessionsW(intptr_t server, uint32_t reserved, uint32_t version, _Out_ void **info, _Out_ uint32_t *count)',
    'int WTSQuerySessionInformationW(intptr_t server, uint32_t session, int infoClass, _Out_ void **buf, _Out_ uint32_t *bytes)',
    'void WTSFreeMemory(void *mem)',
  ],
  'netapi32.dll': [
    'uint32_t NetUserGetInfo(str16 server, str16 user, uint32_t level, _Out_ void **buf)',
    'uint32_t NetUserSetInfo(str16 server, str16 user, uint32_t level, USER_INFO_1003 *info, _Out_ uint32_t *parmErr)',
    'uint32_t NetApiBufferFree(void *buf)',
  ],
  'setupapi.dll': [
    'intptr_t SetupDiGetClassDevsW(void *guid, str16 enumerator, intptr_t hwnd, uint32_t flags)',
    'int SetupDiEnumDeviceInfo(intptr_t set, uint32_t index, void *data)',
    'int SetupDiGetDeviceRegistryPropertyW(intptr_t set, void *data, uint32_t property, void *type, void *buf, uint32_t size, _Out_ uint32_t *required)',
    'int SetupDiGetDevicePropertyW(intptr_t set, void *data, void *key, _Out_ uint32_t *type, void *buf, uint32_t size, _Out_ uint32_t *required, uint32_t flags)',
    'int SetupDiDestroyDeviceInfoList(intptr_t set)',
  ],
  'powrprof.dll': [
    'uint8_t GetPwrCapabilities(void *caps)',
    'uint8_t SetSuspendState(uint8_t hibernate, uint8_t force, uint8_t disableWake)',
  ],
  'userenv.dll': ['int GetProfilesDirectoryW(void *buf, _Inout_ uint32_t *chars)'],
  'pdh.dll': [
    'uint32_t PdhOpenQueryW(str16 source, uintptr_t data, _Out_ intptr_t *query)',
    'uint32_t PdhAddEnglishCounterW(intptr_t query, str16 path, uintptr_t data, _Out_ intptr_t *counter)',
    'uint32_t PdhCollectQueryData(intptr_t query)',
    'uint32_t PdhGetFormattedCounterValue(intptr_t counter, uint32_t format, void *type, void *value)',
  ],
};

let api: Win32Api | undefined;

/** The bound Win32 functions (koffi and the DLLs are loaded on the first call, on Windows only). */
export function win32(): Win32Api {
  if (api) return api;
  const koffi = loadKoffi();
  const bound: Record<string, unknown> = { koffi };
  koffi.struct('USER_INFO_1003', { usri1003_password: 'str16' });
  for (const [dll, prototypes] of Object.entries(DECLARATIONS)) {
    const lib = koffi.load(dll);
    for (const prototype of prototypes) {
      const fn = lib.func(prototype);
      bound[(/\s(\w+)\(/.exec(prototype) as RegExpExecArray)[1] as string] = fn;
    }
  }
  api = bound as unknown as Win32Api;
  return api;
}
