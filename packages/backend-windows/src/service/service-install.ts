import { lastError, scmApi } from './scm.js';

const SC_MANAGER_ALL_ACCESS = 0xf003f;
const SERVICE_ALL_ACCESS = 0xf01ff;
const SERVICE_WIN32_OWN_PROCESS = 0x10;
const SERVICE_AUTO_START = 2;
const SERVICE_ERROR_NORMAL = 1;
const DELETE = 0x10000;

export const SERVICE_NAME = 'qemu-ga';
export const SERVICE_DISPLAY_NAME = 'QEMU Guest Agent';

function withScm<T>(fn: (manager: number) => T): T {
  const api = scmApi();
  const manager = api.OpenSCManagerW(null, null, SC_MANAGER_ALL_ACCESS);
  if (!manager) throw lastError('failed to open the service control manager');
  try {
    return fn(manager);
  } finally {
    api.CloseServiceHandle(manager);
  }
}

/** `-s install`: an auto-start service running `commandLine`. */
export function installService(commandLine: string, name = SERVICE_NAME, display = SERVICE_DISPLAY_NAME): void {
  withScm((manager) => {
    const api = scmApi();
    const service = api.CreateServiceW(
      manager,
      name,
      display,
      SERVICE_ALL_ACCESS,
      SERVICE_WIN32_OWN_PROCESS,
      SERVICE_AUTO_START,
      SERVICE_ERROR_NORMAL,
      commandLine,
      null,
      null,
      null,
      null,
      null,
    );
    if (!service) throw lastError('failed to install the service');
    api.CloseServiceHandle(service);
  });
}

/** `-s uninstall`. */
export function uninstallService(name = SERVICE_NAME): void {
  withScm((manager) => {
    const api = scmApi();
    const service = api.OpenServiceW(manager, name, DELETE);
    if (!service) throw lastError('failed to open the service');
    try {
      if (!api.DeleteService(service)) throw lastError('failed to delete the service');
    } finally {
      api.CloseServiceHandle(service);
    }
  });
}
