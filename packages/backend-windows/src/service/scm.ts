import type { KoffiModule } from '../win32/load-koffi.js';
import { loadKoffi } from '../win32/load-koffi.js';
import { win32 } from '../win32/win32-api.js';
import { win32ErrorMessage } from '../win32/win32-error.js';

/** The Service Control Manager functions (advapi32), bound on first use. */
interface Scm {
  readonly koffi: KoffiModule;
  readonly serviceMainType: unknown;
  readonly handlerType: unknown;
  StartServiceCtrlDispatcherW: { async(table: unknown, cb: (err: unknown, ok: number) => void): void };
  RegisterServiceCtrlHandlerExW(name: string, handler: unknown, ctx: null): number;
  SetServiceStatus(handle: number, status: Buffer): number;
  OpenSCManagerW(machine: null, database: null, access: number): number;
  CreateServiceW(
    scm: number,
    name: string,
    display: string,
    access: number,
    type: number,
    start: number,
    error: number,
    path: string,
    group: null,
    tag: null,
    deps: null,
    user: null,
    password: null,
  ): number;
  OpenServiceW(scm: number, name: string, access: number): number;
  DeleteService(service: number): number;
  CloseServiceHandle(handle: number): number;
}

let scm: Scm | undefined;

export function scmApi(): Scm {
  if (scm) return scm;
  const koffi = loadKoffi();
  const adv = koffi.load('advapi32.dll');
  const serviceMainType = koffi.proto('void __stdcall QgaServiceMain(uint32_t argc, void *argv)');
  const handlerType = koffi.proto('uint32_t __stdcall QgaServiceHandler(uint32_t control, uint32_t type, void *data, void *ctx)');
  koffi.struct('QGA_SERVICE_TABLE_ENTRYW', { name: 'str16', proc: koffi.pointer(serviceMainType) });
  scm = {
    koffi,
    serviceMainType,
    handlerType,
    StartServiceCtrlDispatcherW: adv.func('int __stdcall StartServiceCtrlDispatcherW(QGA_SERVICE_TABLE_ENTRYW *table)'),
    RegisterServiceCtrlHandlerExW: adv.func(
      'intptr_t __stdcall RegisterServiceCtrlHandlerExW(str16 name, QgaServiceHandler *handler, void *ctx)',
    ),
    SetServiceStatus: adv.func('int __stdcall SetServiceStatus(intptr_t handle, void *status)'),
    OpenSCManagerW: adv.func('intptr_t __stdcall OpenSCManagerW(str16 machine, str16 database, uint32_t access)'),
    CreateServiceW: adv.func(
      'intptr_t __stdcall CreateServiceW(intptr_t scm, str16 name, str16 display, uint32_t access, uint32_t type, uint32_t start, uint32_t error, str16 path, str16 group, void *tag, str16 deps, str16 user, str16 password)',
    ),
    OpenServiceW: adv.func('intptr_t __stdcall OpenServiceW(intptr_t scm, str16 name, uint32_t access)'),
    DeleteService: adv.func('int __stdcall DeleteService(intptr_t service)'),
    CloseServiceHandle: adv.func('int __stdcall CloseServiceHandle(intptr_t handle)'),
  } as unknown as Scm;
  return scm;
}

export function lastError(what: string): Error {
  const code = win32().GetLastError();
  return Object.assign(new Error(`${what}: ${win32ErrorMessage(code)}`), { win32: code });
}
