import { UsageError } from './usage-error.js';

export interface GlobalOptions {
  address?: string;
  timeoutS?: number;
  waitS?: number;
  sharedSecretFile?: string;
  tls: boolean;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  tlsServername?: string;
  json: boolean;
  trace: boolean;
  help: boolean;
  version: boolean;
}

export interface CommandLine {
  readonly global: GlobalOptions;
  /** Subcommand name; undefined with --help or no arguments. */
  readonly command: string | undefined;
  /** The subcommand's own arguments, `--` kept so it can tell options from operands. */
  readonly args: string[];
}

const VALUE_OPTIONS: Record<string, keyof GlobalOptions> = {
  '-a': 'address',
  '--address': 'address',
  '-t': 'timeoutS',
  '--timeout': 'timeoutS',
  '-w': 'waitS',
  '--wait': 'waitS',
  '--shared-secret-file': 'sharedSecretFile',
  '--tls-cert': 'tlsCert',
  '--tls-key': 'tlsKey',
  '--tls-ca': 'tlsCa',
  '--tls-servername': 'tlsServername',
};

const FLAG_OPTIONS: Record<string, 'tls' | 'json' | 'trace' | 'help' | 'version'> = {
  '--tls': 'tls',
  '--json': 'json',
  '--trace': 'trace',
  '-h': 'help',
  '--help': 'help',
  '-V': 'version',
  '--version': 'version',
};

/** After these subcommands every token is theirs: a guest program's own options must pass untouched. */
const VERBATIM_COMMANDS = new Set(['exec', 'raw']);

/**
 * Global options may appear before or after the subcommand (but not after `--`,
 * nor anywhere after `exec`/`raw`); everything else goes to the subcommand.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const global: GlobalOptions = { tls: false, json: false, trace: false, help: false, version: false };
  let command: string | undefined;
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--' || (command !== undefined && VERBATIM_COMMANDS.has(command))) {
      args.push(...argv.slice(i));
      break;
    }
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const name = eq > 0 ? token.slice(0, eq) : token;
    const valueKey = VALUE_OPTIONS[name];
    if (valueKey !== undefined) {
      let value: string | undefined;
      if (eq > 0) value = token.slice(eq + 1);
      else value = argv[++i];
      if (value === undefined) throw new UsageError(`option ${name} needs a value`);
      setValue(global, valueKey, name, value);
      continue;
    }
    const flagKey = FLAG_OPTIONS[token];
    if (flagKey !== undefined) {
      global[flagKey] = true;
      continue;
    }
    if (command === undefined) {
      if (token.startsWith('-') && token !== '-') throw new UsageError(`unknown option ${token}`);
      command = token;
    } else {
      args.push(token);
    }
  }
  return { global, command, args };
}

function setValue(global: GlobalOptions, key: keyof GlobalOptions, name: string, value: string): void {
  if (key === 'timeoutS' || key === 'waitS') {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`option ${name} needs a positive number of seconds`);
    global[key] = n;
    return;
  }
  (global as unknown as Record<string, string>)[key] = value;
}
