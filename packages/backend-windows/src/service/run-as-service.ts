import { lastError, scmApi } from './scm.js';
import { SERVICE_NAME } from './service-install.js';

const SERVICE_WIN32_OWN_PROCESS = 0x10;
const SERVICE_STOPPED = 1;
const SERVICE_START_PENDING = 2;
const SERVICE_STOP_PENDING = 3;
const SERVICE_RUNNING = 4;
const SERVICE_ACCEPT_STOP = 0x1;
const SERVICE_ACCEPT_SHUTDOWN = 0x4;
const SERVICE_CONTROL_STOP = 1;
const SERVICE_CONTROL_SHUTDOWN = 5;
const ERROR_FAILED_SERVICE_CONTROLLER_CONNECT = 1063;

/** What the service runs: resolves with the exit code when the agent stopped; `onStop` asks it to stop. */
export type ServiceBody = (onStop: (stop: (reason: string) => void) => void) => Promise<number>;

/**
 * `-d` on Windows: run `body` as the service `name` under the Service Control
 * Manager. STOP and SHUTDOWN ask the agent for a graceful quit; the SCM is
 * told RUNNING once the body started and STOPPED with its exit code.
 * StartServiceCtrlDispatcherW blocks, so it waits on libuv's pool; koffi runs
 * the SCM's callbacks (made on its own threads) on the main thread.
 */
export function runAsService(body: ServiceBody, name = SERVICE_NAME): Promise<number> {
  const api = scmApi();
  const koffi = api.koffi;
  let statusHandle = 0;
  let stop: ((reason: string) => void) | undefined;
  let exitCode = 0;
  const report = (state: number, accepted: number, code = 0): void => {
    const status = Buffer.alloc(28); // SERVICE_STATUS: type, state, controls accepted, win32 exit code, …
    status.writeUInt32LE(SERVICE_WIN32_OWN_PROCESS, 0);
    status.writeUInt32LE(state, 4);
    status.writeUInt32LE(accepted, 8);
    status.writeUInt32LE(code, 12);
    api.SetServiceStatus(statusHandle, status);
  };
  const handler = koffi.register(
    (control: number) => {
      if (control === SERVICE_CONTROL_STOP || control === SERVICE_CONTROL_SHUTDOWN) {
        report(SERVICE_STOP_PENDING, 0);
        stop?.(control === SERVICE_CONTROL_STOP ? 'service stop requested' : 'system shutdown');
      }
      return 0;
    },
    koffi.pointer(api.handlerType as never),
  );
  const main = koffi.register(
    () => {
      statusHandle = api.RegisterServiceCtrlHandlerExW(name, handler, null);
      report(SERVICE_START_PENDING, 0);
      void body((fn) => (stop = fn)).then(
        (code) => {
          exitCode = code;
          report(SERVICE_STOPPED, 0, code);
        },
        () => {
          exitCode = 1;
          report(SERVICE_STOPPED, 0, 1);
        },
      );
      report(SERVICE_RUNNING, SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN);
    },
    koffi.pointer(api.serviceMainType as never),
  );
  return new Promise((resolve, reject) => {
    api.StartServiceCtrlDispatcherW.async(
      [
        { name, proc: main },
        { name: null, proc: null },
      ],
      (err, ok) => {
        koffi.unregister(main);
        koffi.unregister(handler);
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        if (!ok) {
          const e = lastError('StartServiceCtrlDispatcher');
          if ((e as { win32?: number }).win32 === ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
            return reject(
              new Error(
                '-d on Windows runs the agent as a service: start it with the Service Control Manager (net start qemu-ga) after -s install',
              ),
            );
          }
          return reject(e);
        }
        resolve(exitCode);
      },
    );
  });
}
