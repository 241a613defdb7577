import {
  installService,
  runAsService,
  serviceCommandLine,
  uninstallService,
  withoutServiceOptions,
  type ServiceBody,
} from '@qga/backend-windows/internal';
import { PROGRAM } from '../cli/parse-command-line.js';
import { selfCommand } from './self-command.js';

/**
 * `-s install|uninstall` and `-d` (run under the Service Control Manager) on
 * Windows. `command` is `run` for -d. Returns the exit status.
 */
export async function windowsService(
  command: string,
  argv: readonly string[],
  platform: NodeJS.Platform,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
  body: ServiceBody,
): Promise<number> {
  if (platform !== 'win32') {
    stderr.write(`${PROGRAM}: -s (service) is only available on Windows\n`);
    return 1;
  }
  try {
    switch (command) {
      case 'run':
        return await runAsService(body);
      case 'install':
        // The service runs this same program with the options given here, plus -d.
        installService(serviceCommandLine(process.execPath, selfCommand().script, withoutServiceOptions(argv)));
        stdout.write('Service was installed successfully.\n');
        return 0;
      case 'uninstall':
        uninstallService();
        stdout.write('Service was deleted successfully.\n');
        return 0;
      case 'vss-install':
      case 'vss-uninstall':
        stderr.write(`${PROGRAM}: no VSS provider ships with qga (fsfreeze answers as qemu-ga without VSS)\n`);
        return 1;
      default:
        stderr.write(`${PROGRAM}: unknown service command '${command}' (install, uninstall, vss-install, vss-uninstall)\n`);
        return 1;
    }
  } catch (e) {
    stderr.write(`${PROGRAM}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
