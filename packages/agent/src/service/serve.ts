import { resolve as resolvePath } from 'node:path';
import { filter, take, type Subscription } from 'rxjs';
import { createAgent, TransportStartError } from '@qga/core';
import { INTERNAL_TOKENS, type CommandRegistry, type FreezeState } from '@qga/core/internal';
import { PROGRAM } from '../cli/parse-command-line.js';
import type { AgentSettings } from '../config/agent-settings.js';
import { selectBackend } from '../compose/select-backend.js';
import { selectTransport, type SelectedTransport } from '../compose/select-transport.js';
import { listenFdTransport } from '../compose/listen-fd-transport.js';
import { ChannelSupervisor } from '../compose/channel-supervisor.js';
import { agentConfig } from '../compose/agent-config.js';
import { loadPlugins } from '../compose/load-plugins.js';
import { rpcListWarnings } from '../config/rpc-list-warnings.js';
import { releaseMemoryWhenIdle } from './idle-memory.js';
import { acquirePidfile, type PidfileLock } from './pidfile.js';
import { createLogSink, type LogSink } from './log-sink.js';
import { ensureStateDir, markerSaysFrozen } from './state-dir.js';
import { reportToParent } from './daemonize.js';
import type { SocketActivation } from './socket-activation.js';

export interface ServeContext {
  readonly stderr: NodeJS.WritableStream;
  /** Running as the re-spawned `-d` daemon: report startup to the parent, then chdir /. */
  readonly daemonChild: boolean;
  /** Windows service: the SCM's STOP/SHUTDOWN ask for the same graceful stop as SIGTERM. */
  readonly onStop?: (stop: (reason: string) => void) => void;
  readonly activation?: SocketActivation;
  /** A stop that takes longer than this ends the process with status 1 (default 30 s). */
  readonly stopTimeoutMs?: number;
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * Run the agent as a service until a signal or the end of the channel
 * (docs/agent.md#daemon-pidfile-logging-signals). Startup order: backend, state directory, pidfile (the lock is
 * taken before the socket is created, so a second instance cannot steal the
 * first one's socket), log, channel; then "ready" (the `-d` parent exits 0).
 *
 * Deviation: SIGTERM/SIGINT/SIGHUP while frozen are not ignored (qemu-ga
 * ignores them on POSIX): the agent thaws (lifecycle stop) and exits 0, so a
 * service manager can always stop it and never leaves a frozen guest behind.
 */
export async function serve(given: AgentSettings, ctx: ServeContext): Promise<number> {
  if (ctx.daemonChild) process.umask(0o077);
  // The daemon moves to / once started; everything it opens later must not depend on the old cwd.
  const settings = absolutePaths(given);
  let pidLock: PidfileLock | undefined;
  let sink: LogSink | undefined;
  const cleanup = (): void => {
    pidLock?.release();
    pidLock = undefined;
    sink?.close();
  };
  const failStartup = async (message: string): Promise<number> => {
    if (settings.logfile !== undefined) sink?.logger.log('error', message); // stderr gets the line below
    cleanup();
    const line = `${PROGRAM}: ${message}`;
    if (ctx.daemonChild) await reportToParent({ error: line });
    else ctx.stderr.write(`${line}\n`);
    return 1;
  };

  let backend;
  let plugins;
  try {
    backend = await selectBackend(settings);
    // Before anything is written: a broken plugin must not leave a pidfile or socket behind.
    // Relative paths are from the working directory (the -d daemon moves to / only once ready).
    plugins = await loadPlugins(settings.plugins);
    ensureStateDir(settings.statedir);
  } catch (e) {
    return failStartup(errorText(e));
  }
  // A previous instance died frozen: write nothing (pidfile, log file) until the thaw.
  const startsFrozen = markerSaysFrozen(settings.statedir);
  const wantPidfile = settings.daemon || settings.pidfileExplicit;
  try {
    if (wantPidfile && !startsFrozen) pidLock = acquirePidfile(settings.pidfile);
  } catch (e) {
    return failStartup(errorText(e));
  }
  try {
    sink = createLogSink({
      ...(settings.logfile !== undefined && { logfile: settings.logfile }),
      verbose: settings.verbose,
      stderr: ctx.stderr,
      deferOpen: startsFrozen,
      syslog: true,
    });
  } catch (e) {
    return failStartup(`unable to open specified log file: ${errorText(e)}`);
  }
  const logger = sink.logger;

  let selected: SelectedTransport;
  const supervisor = new ChannelSupervisor({ retryPath: settings.retryPath, logger });
  try {
    selected = ctx.activation
      ? {
          transport: listenFdTransport({ ...ctx.activation, logger, onListening: supervisor.listening }),
          hasReadySignal: true,
          retriesItself: false,
        }
      : await selectTransport(settings, logger, supervisor.listening);
  } catch (e) {
    return failStartup(errorText(e));
  }
  let agent;
  try {
    agent = createAgent({
      transport: supervisor.wrap(selected.transport, selected.hasReadySignal, !selected.retriesItself),
      backend,
      plugins,
      config: agentConfig(settings),
      logger,
    });
  } catch (e) {
    return failStartup(errorText(e)); // a plugin's ContainerModule failed while loading
  }
  const known = agent.container
    .get<CommandRegistry>(INTERNAL_TOKENS.CommandRegistry)
    .list()
    .map((entry) => entry.name);
  for (const warning of rpcListWarnings(settings, known)) ctx.stderr.write(`${PROGRAM}: warning: ${warning}\n`);
  const freeze = agent.container.get<FreezeState>(INTERNAL_TOKENS.FreezeState);
  sink.suspendWhile(() => freeze.frozen);

  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  let stopping = false;
  let deferredPidfile: Subscription | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.log('warning', `received ${signal} while stopping; still stopping`);
      return;
    }
    void shutdown(0, `received ${signal}, stopping`);
  };
  // eslint-disable-next-line prefer-const -- finish() can run (a signal during startup) before it is assigned below
  let stopReleasingMemory: (() => void) | undefined;
  const finish = (code: number): void => {
    stopReleasingMemory?.();
    for (const signal of SIGNALS) process.off(signal, onSignal);
    deferredPidfile?.unsubscribe();
    cleanup();
    resolveDone(code);
  };
  const shutdown = async (code: number, reason: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log('info', reason);
    const timeoutMs = ctx.stopTimeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      logger.log('error', `stopping took longer than ${timeoutMs} ms; exiting`);
      finish(1);
    }, timeoutMs);
    try {
      await agent.stop(); // thaws if frozen, closes handles and the channel
    } catch (e) {
      logger.log('error', `error while stopping: ${errorText(e)}`);
    }
    clearTimeout(timer);
    finish(code);
  };
  supervisor.onEnd((error) => {
    // Without -r, a channel that fails or ends stops the agent with status 0, as qemu-ga.
    void shutdown(0, error ? `channel error: ${error.message}; stopping` : 'channel closed; stopping');
  });
  for (const signal of SIGNALS) process.on(signal, onSignal);
  ctx.onStop?.((reason) => void shutdown(0, `${reason}, stopping`));

  let phase = 'failed to start the agent';
  try {
    await agent.start(); // loads qga.state ("failed to load persistent state"), lifecycle hooks
    phase = 'failed to initialize guest agent channel';
    await supervisor.ready;
  } catch (e) {
    if (e instanceof TransportStartError) phase = 'failed to initialize guest agent channel';
    stopping = true;
    for (const signal of SIGNALS) process.off(signal, onSignal);
    await agent.stop().catch(() => undefined);
    const cause = e instanceof Error && !(e instanceof TransportStartError) && e.cause instanceof Error ? ` (${e.cause.message})` : '';
    return failStartup(`${phase}: ${errorText(e)}${cause}`);
  }

  stopReleasingMemory = releaseMemoryWhenIdle({ logger });

  if (wantPidfile && !pidLock) {
    // Started frozen: take the pidfile at the thaw, as qemu-ga.
    deferredPidfile = freeze.changes$
      .pipe(
        filter((frozen) => !frozen),
        take(1),
      )
      .subscribe(() => {
        try {
          pidLock = acquirePidfile(settings.pidfile);
        } catch (e) {
          logger.log('error', errorText(e));
        }
      });
  }
  if (ctx.daemonChild) {
    await reportToParent({ ready: true });
    process.chdir('/');
  }
  return done;
}

function absolutePaths(settings: AgentSettings): AgentSettings {
  const abs = (p: string): string => resolvePath(p);
  return {
    ...settings,
    statedir: abs(settings.statedir),
    pidfile: abs(settings.pidfile),
    ...(settings.logfile !== undefined && settings.logfile !== '' && { logfile: abs(settings.logfile) }),
    ...(settings.method === 'unix-listen' && { path: abs(settings.path) }),
    ...(settings.fsfreezeHook?.includes('/') && { fsfreezeHook: abs(settings.fsfreezeHook) }),
  };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
