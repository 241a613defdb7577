import { formatKeyFile, type KeyFileValue } from '@qga/core/internal';
import type { AgentSettings } from './agent-settings.js';

/**
 * `-D`: the effective configuration as qemu-ga.conf. qemu-ga's keys come in
 * its order and form (always daemon, method, pidfile, statedir, verbose,
 * retry-path, block-rpcs, allow-rpcs; path, logfile, fsfreeze-hook when set),
 * Lists are written as GLib's g_key_file_set_string_list writes them
 * (`block-rpcs=guest-ping;guest-get-time;`, in the order given), so a GLib
 * list reader (QEMU's test-qga /qga/config) gets every entry back; qemu-ga
 * 7.2 prints them reversed and comma-joined instead. Our own keys follow,
 * each only when it was set.
 */
export function dumpConfig(settings: AgentSettings): string {
  const entries: [string, KeyFileValue][] = [];
  const add = (key: string, value: KeyFileValue | undefined): void => {
    if (value !== undefined) entries.push([key, value]);
  };
  add('daemon', settings.daemon);
  add('method', settings.method);
  add('path', settings.path);
  add('logfile', settings.logfile);
  add('pidfile', settings.pidfile);
  add('fsfreeze-hook', settings.fsfreezeHook);
  add('statedir', settings.statedir);
  add('verbose', settings.verbose);
  add('retry-path', settings.retryPath);
  add('block-rpcs', settings.blockRpcs);
  add('allow-rpcs', settings.allowRpcs);
  if (settings.backendExplicit) add('backend', settings.backend);
  add('freeze-timeout', settings.freezeTimeout === undefined ? undefined : String(settings.freezeTimeout));
  add('max-clients', settings.maxClients === undefined ? undefined : String(settings.maxClients));
  if (settings.excludeInterfaces.length > 0) add('exclude-interfaces', settings.excludeInterfaces);
  add('tls-cert', settings.tlsCert);
  add('tls-key', settings.tlsKey);
  add('tls-ca', settings.tlsCa);
  add('shared-secret-file', settings.sharedSecretFile);
  if (settings.allowRemote) add('allow-remote', true);
  if (settings.plugins.length > 0) add('plugins', settings.plugins);
  return formatKeyFile([['general', entries]]);
}
