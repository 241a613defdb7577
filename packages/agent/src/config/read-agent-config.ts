import { KeyFileError, keyFileBoolean, keyFileString, parseKeyFile } from '@qga/core/internal';
import type { SettingsLayer } from './agent-settings.js';
import { splitRpcList } from './split-rpc-list.js';
import { splitNameList } from './split-name-list.js';
import { parsePositiveInt, parseSeconds } from './parse-number.js';

export interface AgentConfigFile {
  readonly settings: SettingsLayer;
  /** Unknown keys and groups, deprecated spellings: printed on stderr, not fatal. */
  readonly warnings: readonly string[];
}

type Reader = (raw: string, key: string, into: SettingsLayer) => void;

const str =
  (
    field:
      | 'method'
      | 'path'
      | 'logfile'
      | 'pidfile'
      | 'fsfreezeHook'
      | 'statedir'
      | 'backend'
      | 'tlsCert'
      | 'tlsKey'
      | 'tlsCa'
      | 'sharedSecretFile',
  ): Reader =>
  (raw, key, into) => {
    into[field] = keyFileString(raw, key);
  };
const bool =
  (field: 'daemon' | 'verbose' | 'retryPath' | 'allowRemote'): Reader =>
  (raw, key, into) => {
    into[field] = keyFileBoolean(raw, key);
  };
const rpcs =
  (field: 'blockRpcs' | 'allowRpcs'): Reader =>
  (raw, key, into) => {
    into[field] = splitRpcList(keyFileString(raw, key));
  };

/** The `[general]` keys: qemu-ga's (docs/agent.md#config-file), then ours. */
const KEYS: Record<string, Reader> = {
  daemon: bool('daemon'),
  method: str('method'),
  path: str('path'),
  logfile: str('logfile'),
  pidfile: str('pidfile'),
  'fsfreeze-hook': str('fsfreezeHook'),
  statedir: str('statedir'),
  verbose: bool('verbose'),
  'retry-path': bool('retryPath'),
  'block-rpcs': rpcs('blockRpcs'),
  'allow-rpcs': rpcs('allowRpcs'),
  backend: str('backend'),
  'freeze-timeout': (raw, key, into) => {
    const seconds = parseSeconds(keyFileString(raw, key));
    if (seconds === undefined) throw new KeyFileError(`key "${key}" must be a number of seconds, not "${raw}"`);
    into.freezeTimeout = seconds;
  },
  'max-clients': (raw, key, into) => {
    const count = parsePositiveInt(keyFileString(raw, key));
    if (count === undefined) throw new KeyFileError(`key "${key}" must be a positive integer, not "${raw}"`);
    into.maxClients = count;
  },
  'exclude-interfaces': (raw, key, into) => {
    into.excludeInterfaces = splitNameList(keyFileString(raw, key));
  },
  'tls-cert': str('tlsCert'),
  'tls-key': str('tlsKey'),
  'tls-ca': str('tlsCa'),
  'shared-secret-file': str('sharedSecretFile'),
  'allow-remote': bool('allowRemote'),
  plugins: (raw, key, into) => {
    into.plugins = splitNameList(keyFileString(raw, key));
  },
};

/**
 * qemu-ga.conf → settings. Throws KeyFileError on syntax errors and bad
 * values (a non-boolean for a bool key, a bad escape). Deviations from
 * qemu-ga, which silently ignores what it does not know:
 *  - unknown keys and groups produce warnings;
 *  - `daemonize` (the spelling in qemu-ga's own documentation, which qemu-ga
 *    ignores) is accepted as `daemon`, with a warning;
 *  - block-rpcs / allow-rpcs accept ';' as well as ',' (see splitRpcList).
 */
export function readAgentConfig(data: Uint8Array | string): AgentConfigFile {
  const file = parseKeyFile(data);
  const settings: SettingsLayer = {};
  const warnings: string[] = [];
  for (const [group, entries] of file.groups) {
    if (group !== 'general') {
      warnings.push(`ignoring unknown group [${group}]`);
      continue;
    }
    for (const [key, raw] of entries) {
      if (key === 'daemonize') {
        if (entries.has('daemon')) {
          warnings.push('key "daemonize" is ignored: "daemon" is set');
        } else {
          warnings.push('key "daemonize" is not a qemu-ga key (qemu-ga ignores it); treating it as "daemon"');
          KEYS.daemon?.(raw, key, settings);
        }
        continue;
      }
      const reader = KEYS[key];
      if (!reader) {
        warnings.push(`ignoring unknown key "${key}" in [general]`);
        continue;
      }
      reader(raw, key, settings);
    }
  }
  return { settings, warnings };
}
