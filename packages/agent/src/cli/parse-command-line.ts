import { getopt, type OptionDef } from './getopt.js';
import { DEFAULTS, type SettingsLayer } from '../config/agent-settings.js';
import { splitRpcList } from '../config/split-rpc-list.js';
import { splitNameList } from '../config/split-name-list.js';
import { parsePositiveInt, parseSeconds } from '../config/parse-number.js';

export const PROGRAM = 'qga';

/** qemu-ga's options (`hVvdc:m:p:l:f:F::b:a:t:Dr`; `-s` is Windows-only) plus ours, long-only. */
const OPTIONS: readonly OptionDef[] = [
  { name: 'help', short: 'h', arg: 'none' },
  { name: 'version', short: 'V', arg: 'none' },
  { name: 'verbose', short: 'v', arg: 'none' },
  { name: 'daemonize', short: 'd', arg: 'none' },
  { name: 'config', short: 'c', arg: 'required' },
  { name: 'method', short: 'm', arg: 'required' },
  { name: 'path', short: 'p', arg: 'required' },
  { name: 'logfile', short: 'l', arg: 'required' },
  { name: 'pidfile', short: 'f', arg: 'required' },
  { name: 'fsfreeze-hook', short: 'F', arg: 'optional' },
  { name: 'block-rpcs', short: 'b', arg: 'required' },
  { name: 'allow-rpcs', short: 'a', arg: 'required' },
  { name: 'statedir', short: 't', arg: 'required' },
  { name: 'dump-conf', short: 'D', arg: 'none' },
  { name: 'retry-path', short: 'r', arg: 'none' },
  { name: 'backend', arg: 'required' },
  { name: 'tls-cert', arg: 'required' },
  { name: 'tls-key', arg: 'required' },
  { name: 'tls-ca', arg: 'required' },
  { name: 'shared-secret-file', arg: 'required' },
  { name: 'allow-remote', arg: 'none' },
  { name: 'freeze-timeout', arg: 'required' },
  { name: 'max-clients', arg: 'required' },
  { name: 'exclude-interfaces', arg: 'required' },
  { name: 'plugin', arg: 'required' },
];

/** `-s, --service=CMD` exists only on Windows, as in qemu-ga (elsewhere it is an unknown option). */
const WINDOWS_OPTIONS: readonly OptionDef[] = [{ name: 'service', short: 's', arg: 'required' }];

export type CliAction = 'run' | 'help' | 'version' | 'dump-config' | 'list-commands' | 'service';

export interface ConfigLocation {
  readonly path: string;
  /** `-c PATH`: a missing file is fatal. `$QGA_CONF` and the default may be missing. */
  readonly required: boolean;
}

export interface CommandLine {
  readonly action: CliAction;
  /** Only what the command line set; stacked on the config file's layer. */
  readonly settings: SettingsLayer;
  readonly config: ConfigLocation;
  /** Arguments that are not options; getopt skips them and so do we (with a warning). */
  readonly operands: readonly string[];
  /** `-s CMD` (Windows): install, uninstall, vss-install, vss-uninstall. */
  readonly service?: string;
}

export type ParseResult = CommandLine | { readonly error: string };

const UNKNOWN = `Unknown option, try '${PROGRAM} --help' for more information.`;

/**
 * Pure: argv (without node and script) and the environment → what to do.
 * `-h` and `-V` act as soon as they are seen, like qemu-ga, so options after
 * them are not checked; `-b help` / `-a help` / `?` win over `-D`.
 */
export function parseCommandLine(
  argv: readonly string[],
  env: NodeJS.ProcessEnv | Record<string, string | undefined> = {},
  platform: NodeJS.Platform = process.platform,
): ParseResult {
  const parsed = getopt(argv, platform === 'win32' ? [...OPTIONS, ...WINDOWS_OPTIONS] : OPTIONS, PROGRAM);
  const settings: SettingsLayer = {};
  let action: CliAction = 'run';
  let configPath: string | undefined;
  let service: string | undefined;

  for (const { name, value = '' } of parsed.options) {
    switch (name) {
      case 'help':
        return finish('help');
      case 'version':
        return finish('version');
      case 'verbose':
        settings.verbose = true;
        break;
      case 'daemonize':
        settings.daemon = true;
        break;
      case 'config':
        configPath = value;
        break;
      case 'method':
        settings.method = value;
        break;
      case 'path':
        settings.path = value;
        break;
      case 'logfile':
        settings.logfile = value;
        break;
      case 'pidfile':
        settings.pidfile = value;
        break;
      case 'fsfreeze-hook':
        settings.fsfreezeHook = value === '' ? DEFAULTS.fsfreezeHook : value;
        break;
      case 'statedir':
        settings.statedir = value;
        break;
      case 'service':
        service = value;
        if (action === 'run') action = 'service';
        break;
      case 'dump-conf':
        if (action === 'run') action = 'dump-config';
        break;
      case 'retry-path':
        settings.retryPath = true;
        break;
      case 'block-rpcs':
      case 'allow-rpcs': {
        if (value === 'help' || value === '?') {
          action = 'list-commands';
          break;
        }
        const key = name === 'block-rpcs' ? 'blockRpcs' : 'allowRpcs';
        settings[key] = [...(settings[key] ?? []), ...splitRpcList(value)];
        break;
      }
      case 'backend':
        settings.backend = value;
        break;
      case 'tls-cert':
        settings.tlsCert = value;
        break;
      case 'tls-key':
        settings.tlsKey = value;
        break;
      case 'tls-ca':
        settings.tlsCa = value;
        break;
      case 'shared-secret-file':
        settings.sharedSecretFile = value;
        break;
      case 'allow-remote':
        settings.allowRemote = true;
        break;
      case 'freeze-timeout': {
        const seconds = parseSeconds(value);
        if (seconds === undefined) return { error: `${PROGRAM}: invalid --freeze-timeout '${value}': expected seconds (0 disables)` };
        settings.freezeTimeout = seconds;
        break;
      }
      case 'max-clients': {
        const count = parsePositiveInt(value);
        if (count === undefined) return { error: `${PROGRAM}: invalid --max-clients '${value}': expected a positive integer` };
        settings.maxClients = count;
        break;
      }
      case 'exclude-interfaces':
        settings.excludeInterfaces = [...(settings.excludeInterfaces ?? []), ...splitNameList(value)];
        break;
      case 'plugin':
        // One path per option (a path may contain ',' or ';'); repeat the option for more.
        if (value === '') return { error: `${PROGRAM}: invalid --plugin '': expected the path of an ES module` };
        settings.plugins = [...(settings.plugins ?? []), value];
        break;
    }
  }
  if ('error' in parsed) return { error: `${parsed.error}\n${UNKNOWN}` };
  return finish(action, parsed.operands);

  function finish(final: CliAction, operands: readonly string[] = []): CommandLine {
    const config: ConfigLocation =
      configPath !== undefined
        ? { path: configPath, required: true }
        : env.QGA_CONF
          ? { path: env.QGA_CONF, required: false }
          : { path: DEFAULTS.configFile, required: false };
    return { action: final, settings, config, operands, ...(service !== undefined && { service }) };
  }
}
