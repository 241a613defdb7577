import { parseVsockAddress } from '@qga/transport-tcp';
import {
  BACKENDS,
  DEFAULTS,
  METHODS,
  platformDefaults,
  type AgentSettings,
  type BackendName,
  type Method,
  type SettingsLayer,
} from './agent-settings.js';

/** Stack layers (config file first, then command line): scalars last-wins, lists accumulate. */
export function mergeSettings(...layers: readonly SettingsLayer[]): SettingsLayer {
  const merged: SettingsLayer = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer) as [keyof SettingsLayer, unknown][]) {
      if (value === undefined) continue;
      if (Array.isArray(value)) {
        const previous = (merged[key] as string[] | undefined) ?? [];
        (merged as Record<string, unknown>)[key] = [...previous, ...value];
      } else {
        (merged as Record<string, unknown>)[key] = value;
      }
    }
  }
  return merged;
}

export function defaultBackend(platform: NodeJS.Platform): BackendName {
  return platform === 'win32' ? 'windows' : 'linux';
}

/** `<cid>:<port>` / `<host>:<port>` (IPv6 hosts in brackets). */
export function splitHostPort(text: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

/**
 * Fill defaults and check the combination. Errors are the messages printed
 * before exiting 1 (qemu-ga's wording where it has one).
 */
export function resolveSettings(layer: SettingsLayer, platform: NodeJS.Platform = process.platform): AgentSettings | { error: string } {
  const method = layer.method ?? DEFAULTS.method;
  if (!(METHODS as readonly string[]).includes(method)) {
    return { error: `unsupported channel method/type: ${method} (expected one of ${METHODS.join(', ')})` };
  }
  let path = layer.path;
  if (path === undefined) {
    if (method === 'virtio-serial') path = platformDefaults(platform).virtioPath;
    else if (method === 'isa-serial') path = platformDefaults(platform).isaPath;
    else return { error: 'must specify a path for this channel' };
  }
  if (method === 'vsock-listen') {
    try {
      parseVsockAddress(path);
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
  if (method === 'tcp-listen' && !splitHostPort(path)) {
    return { error: `invalid tcp-listen address '${path}': expected <host>:<port>` };
  }
  const backend = layer.backend ?? defaultBackend(platform);
  if (!(BACKENDS as readonly string[]).includes(backend)) {
    return { error: `unknown backend '${backend}' (expected one of ${BACKENDS.join(', ')})` };
  }
  const tls = [layer.tlsCert, layer.tlsKey, layer.tlsCa].filter((v) => v !== undefined).length;
  if (tls !== 0 && tls !== 3) {
    return { error: 'TLS needs all of tls-cert, tls-key and tls-ca (clients must present a certificate signed by that CA)' };
  }
  const tcpOnly = { tlsCert: 'tls-cert', sharedSecretFile: 'shared-secret-file', allowRemote: 'allow-remote' } as const;
  for (const [key, name] of Object.entries(tcpOnly) as [keyof typeof tcpOnly, string][]) {
    if (layer[key] !== undefined && layer[key] !== false && method !== 'tcp-listen') {
      return { error: `${name} is only available with -m tcp-listen` };
    }
  }
  return {
    daemon: layer.daemon ?? false,
    method: method as Method,
    path,
    ...(layer.logfile !== undefined && { logfile: layer.logfile }),
    pidfile: layer.pidfile ?? platformDefaults(platform).pidfile,
    pidfileExplicit: layer.pidfile !== undefined,
    ...(layer.fsfreezeHook !== undefined && { fsfreezeHook: layer.fsfreezeHook }),
    statedir: layer.statedir ?? platformDefaults(platform).statedir,
    verbose: layer.verbose ?? false,
    retryPath: layer.retryPath ?? false,
    blockRpcs: layer.blockRpcs ?? [],
    allowRpcs: layer.allowRpcs ?? [],
    backend: backend as BackendName,
    backendExplicit: layer.backend !== undefined,
    ...(layer.freezeTimeout !== undefined && { freezeTimeout: layer.freezeTimeout }),
    ...(layer.maxClients !== undefined && { maxClients: layer.maxClients }),
    excludeInterfaces: layer.excludeInterfaces ?? [],
    ...(layer.tlsCert !== undefined && { tlsCert: layer.tlsCert }),
    ...(layer.tlsKey !== undefined && { tlsKey: layer.tlsKey }),
    ...(layer.tlsCa !== undefined && { tlsCa: layer.tlsCa }),
    ...(layer.sharedSecretFile !== undefined && { sharedSecretFile: layer.sharedSecretFile }),
    allowRemote: layer.allowRemote ?? false,
    plugins: layer.plugins ?? [],
  };
}
