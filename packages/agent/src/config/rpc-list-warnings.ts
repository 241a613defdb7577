import type { AgentSettings } from './agent-settings.js';

/**
 * What to warn about in `-b`/`-a` (block-rpcs/allow-rpcs). qemu-ga ignores
 * unknown names silently and starts with an allow list no host can get past;
 * we keep both behaviours but say so, since a misspelled name blocks nothing
 * and a host that cannot run guest-sync(-delimited) never gets an answer.
 */
export function rpcListWarnings(settings: Pick<AgentSettings, 'blockRpcs' | 'allowRpcs'>, known: readonly string[]): string[] {
  const names = new Set(known);
  const warnings: string[] = [];
  const unknown = (list: readonly string[], option: string): void => {
    // The lists are stored reversed (see splitRpcList); warn in the order the user wrote them.
    for (const name of [...list].reverse()) {
      if (!names.has(name)) warnings.push(`${option}: unknown command '${name}' ignored (see '-b help' for the list)`);
    }
  };
  unknown(settings.blockRpcs, '-b/block-rpcs');
  unknown(settings.allowRpcs, '-a/allow-rpcs');
  if (settings.allowRpcs.length > 0 && !settings.allowRpcs.includes('guest-sync') && !settings.allowRpcs.includes('guest-sync-delimited')) {
    warnings.push(
      '-a/allow-rpcs: allows neither guest-sync nor guest-sync-delimited; hosts that synchronize first (libvirt, qemu-ga clients) will get no answer',
    );
  }
  return warnings;
}
