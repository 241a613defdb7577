import { Container, type ContainerModule } from 'inversify';
import type { Subscription } from 'rxjs';
import { TOKENS, INTERNAL_TOKENS } from '../tokens.js';
import { DEFAULT_AGENT_CONFIG, type AgentConfig } from './agent-config.js';
import type { Backend } from './backend.js';
import type { Lifecycle } from './lifecycle.js';
import { serveSession } from './session-pipeline.js';
import { silentLogger } from './stream-logger.js';
import { bindBuiltinCommands } from './builtin-registration.js';
import { guardPlugin } from './plugin-guard.js';
import { FreezeState } from '../services/freeze-state.js';
import { CommandRegistry } from '../dispatch/command-registry.js';
import { Dispatcher } from '../dispatch/dispatcher.js';
import type { Logger } from '../ports/logger-port.js';
import type { Transport } from '../ports/transport-port.js';
import { frozenCopy } from './frozen-copy.js';

/** Agent.start() failed because the transport could not listen; `cause` is the transport's error. */
export class TransportStartError extends Error {
  override readonly name = 'TransportStartError';
  readonly code: string | undefined;

  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.code = (cause as { code?: unknown } | null)?.code as string | undefined;
  }
}

/** What createAgent composes: one transport, one backend, optional plugins, policy and logger. */
export interface CreateAgentOptions {
  /** How hosts reach the agent (unix socket, virtio-serial, ...). */
  readonly transport: Transport;
  /** The OS backend implementing the ports (linux, windows, mock). */
  readonly backend: Backend;
  /**
   * Extra ContainerModules binding more TOKENS.Command (vendor commands), each
   * loaded behind a guard: a plugin adds commands and services of its own and
   * cannot bind, rebind or unbind anything the agent owns (PluginPolicyError).
   */
  readonly plugins?: readonly ContainerModule[];
  readonly config?: Partial<AgentConfig>;
  readonly logger?: Logger;
}

/** A composed agent: start it to serve hosts, stop it to end every session and run the stop hooks. */
export interface Agent {
  readonly container: Container;
  readonly config: AgentConfig;
  /**
   * Load state, run lifecycle start hooks, then accept sessions. Resolves once
   * the transport listens; rejects (after undoing the start hooks) if it cannot.
   */
  start(): Promise<void>;
  /** Stop accepting, end sessions, run lifecycle stop hooks (thaw if frozen, ...). */
  stop(): Promise<void>;
}

/**
 * The embedding entry point: compose a transport, a backend and plugins into
 * a running agent. Everything is wired through one inversify container, so a
 * plugin's command is registered, filtered and validated exactly like a
 * built-in one.
 */
export function createAgent(options: CreateAgentOptions): Agent {
  // Frozen: nothing that holds the config (a plugin's command included) can change the policy.
  const config: AgentConfig = frozenCopy({ ...DEFAULT_AGENT_CONFIG, ...options.config });
  const logger = options.logger ?? silentLogger;
  const container = new Container({ defaultScope: 'Singleton' });

  container.bind(TOKENS.AgentConfig).toConstantValue(config);
  container.bind(TOKENS.Logger).toConstantValue(logger);
  container.bind(INTERNAL_TOKENS.FreezeState).toConstantValue(new FreezeState());
  container.load(options.backend.module);
  container.bind(INTERNAL_TOKENS.UnsupportedCommands).toConstantValue(new Set(options.backend.unsupportedCommands ?? []));
  bindBuiltinCommands(container);
  container.bind(INTERNAL_TOKENS.CommandRegistry).to(CommandRegistry);
  container.bind(INTERNAL_TOKENS.CommandCatalog).toConstantValue(() => container.get<CommandRegistry>(INTERNAL_TOKENS.CommandRegistry));
  container.bind(INTERNAL_TOKENS.Dispatcher).to(Dispatcher);
  // Plugins last, so the guard sees every binding they must not touch.
  (options.plugins ?? []).forEach((plugin, i) => container.load(guardPlugin(plugin, `plugin #${i + 1}`)));
  // Build the registry now: a plugin command that breaks the naming rules fails createAgent, not start().
  container.get(INTERNAL_TOKENS.CommandRegistry);

  let sessions: Subscription | undefined;
  const live = new Set<Subscription>();
  const lifecycles = (): Lifecycle[] =>
    container.isBound(INTERNAL_TOKENS.Lifecycle) ? container.getAll<Lifecycle>(INTERNAL_TOKENS.Lifecycle) : [];

  return {
    container,
    config,
    async start() {
      if (sessions) throw new Error('agent already started');
      for (const service of lifecycles()) await service.start?.();
      const dispatcher = container.get<Dispatcher>(INTERNAL_TOKENS.Dispatcher);
      const transport = options.transport;
      try {
        // Resolves once the transport listens (or at once, for one that does not say); rejects if it cannot.
        await new Promise<void>((resolve, reject) => {
          let settled = false;
          const settle = (error?: Error): void => {
            if (settled) return;
            settled = true;
            if (error === undefined) resolve();
            else reject(error);
          };
          sessions = transport.sessions({ listening: () => settle() }).subscribe({
            next: (session) => {
              const sub = serveSession(session, dispatcher, logger);
              live.add(sub);
              sub.add(() => live.delete(sub));
            },
            error: (e: unknown) => {
              // Before it listens the failure is start()'s to report; after, only the log can tell.
              if (settled) logger.log('error', `transport failed: ${e instanceof Error ? e.message : String(e)}`);
              else settle(new TransportStartError(e));
            },
          });
          if (!transport.announcesListening) settle();
        });
      } catch (e) {
        sessions = undefined;
        for (const service of lifecycles().reverse()) await service.stop?.();
        throw e;
      }
      // A transport that does not announce listening may still be opening (a device, a supervised channel).
      logger.log('info', transport.announcesListening ? `listening on ${transport.description}` : `started ${transport.description}`);
    },
    async stop() {
      sessions?.unsubscribe();
      sessions = undefined;
      for (const sub of [...live]) sub.unsubscribe();
      for (const service of lifecycles().reverse()) await service.stop?.();
    },
  };
}
