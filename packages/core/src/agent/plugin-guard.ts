import { ContainerModule, type ContainerModuleLoadOptions } from 'inversify';
import { TOKENS, INTERNAL_TOKENS } from '../tokens.js';

/** A plugin tried to change what belongs to the agent; createAgent refuses to build it. */
export class PluginPolicyError extends Error {
  override readonly name = 'PluginPolicyError';
}

type ServiceId = Parameters<ContainerModuleLoadOptions['isBound']>[0];

const CORE_IDS: ReadonlySet<unknown> = new Set<unknown>([...Object.values(TOKENS), ...Object.values(INTERNAL_TOKENS)]);

function nameOf(id: unknown): string {
  if (typeof id === 'symbol') return id.description ?? id.toString();
  if (typeof id === 'function') return id.name || 'an anonymous class';
  return String(id);
}

/**
 * Wraps a plugin's ContainerModule so that it can only add: its commands
 * (bound to TOKENS.Command, rerouted to INTERNAL_TOKENS.PluginCommand so the registry
 * knows them for plugins' commands) and services under identifiers of its own.
 * Binding, rebinding, unbinding or hooking the activation of anything the
 * agent owns — every TOKENS/INTERNAL_TOKENS identifier and whatever the backend and
 * core bound before the plugin — throws PluginPolicyError, so a plugin
 * cannot change the configuration, the allow/block lists, a port or the
 * dispatcher. `label` names the plugin in the message.
 */
export function guardPlugin(plugin: ContainerModule, label: string): ContainerModule {
  return new ContainerModule((options) => {
    /** Identifiers this plugin bound: it may replace or remove those, and only those. */
    const mine = new Set<unknown>();
    const owned = (id: ServiceId): boolean => !mine.has(id) && (CORE_IDS.has(id) || options.isBound(id));
    const refuse = (what: string, id: unknown): never => {
      throw new PluginPolicyError(`${label} may not ${what} ${nameOf(id)}: plugins may only add commands and services of their own`);
    };
    const guarded: ContainerModuleLoadOptions = {
      bind: ((id: ServiceId) => {
        if (id === TOKENS.Command) return options.bind(INTERNAL_TOKENS.PluginCommand);
        if (owned(id)) refuse('bind', id);
        mine.add(id);
        return options.bind(id);
      }) as ContainerModuleLoadOptions['bind'],
      isBound: (id, isBoundOptions) => options.isBound(id === TOKENS.Command ? INTERNAL_TOKENS.PluginCommand : id, isBoundOptions),
      onActivation: ((id: ServiceId, activation: never) => {
        if (owned(id)) refuse('hook the activation of', id);
        options.onActivation(id, activation);
      }) as ContainerModuleLoadOptions['onActivation'],
      onDeactivation: ((id: ServiceId, deactivation: never) => {
        if (owned(id)) refuse('hook the deactivation of', id);
        options.onDeactivation(id, deactivation);
      }) as ContainerModuleLoadOptions['onDeactivation'],
      rebind: ((id: ServiceId) => {
        if (id === TOKENS.Command || owned(id)) refuse('rebind', id);
        return options.rebind(id);
      }) as ContainerModuleLoadOptions['rebind'],
      rebindAsync: ((id: ServiceId) => {
        if (id === TOKENS.Command || owned(id)) refuse('rebind', id);
        return options.rebindAsync(id);
      }) as ContainerModuleLoadOptions['rebindAsync'],
      unbind: (id) => {
        if (id === TOKENS.Command || (typeof id !== 'object' && owned(id))) refuse('unbind', id);
        options.unbind(id);
      },
      unbindAsync: (id) => {
        if (id === TOKENS.Command || (typeof id !== 'object' && owned(id))) refuse('unbind', id);
        return options.unbindAsync(id);
      },
    };
    return plugin.load(guarded);
  });
}
