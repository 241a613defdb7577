import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseCommandLine, PROGRAM } from './cli/parse-command-line.js';
import { usage, versionLine } from './cli/usage.js';
import { loadConfigFile } from './config/load-config-file.js';
import { mergeSettings, resolveSettings } from './config/resolve-settings.js';
import type { SettingsLayer } from './config/agent-settings.js';
import { listCommands } from './compose/agent-config.js';
import { loadPlugins } from './compose/load-plugins.js';
import { selectBackend } from './compose/select-backend.js';
import { readSocketActivation, type SocketActivation } from './service/socket-activation.js';
import { serve } from './service/serve.js';
import { isDaemonChild, spawnDaemon } from './service/daemonize.js';
import { PKG_VERSION } from './version.js';

/** The process surroundings runAgent uses; each defaults to the real process's (tests pass their own). */
export interface RunAgentIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Read, and trimmed of LISTEN_* / the daemon marker once consumed. */
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
}

/**
 * The `qga` program: argv (without node and the script) → exit status.
 * Resolves when the program is done: at once for -h/-V/-D/-b help and
 * errors, when the agent stops (signal, channel end) otherwise.
 */
export async function runAgent(argv: readonly string[], io: Partial<RunAgentIo> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const platform = io.platform ?? process.platform;
  const fail = (message: string): number => {
    stderr.write(`${message}\n`);
    return 1;
  };

  const cli = parseCommandLine(argv, env, platform);
  if ('error' in cli) return fail(cli.error);
  if (cli.action === 'help') {
    stdout.write(usage(PKG_VERSION));
    return 0;
  }
  if (cli.action === 'version') {
    stdout.write(`${versionLine(PKG_VERSION)}\n`);
    return 0;
  }
  for (const operand of cli.operands) stderr.write(`${PROGRAM}: ignoring argument '${operand}'\n`);

  const file = await loadConfigFile(cli.config);
  if ('error' in file) return fail(`${PROGRAM}: ${file.error}`);
  for (const warning of file.warnings) stderr.write(`${PROGRAM}: ${cli.config.path}: warning: ${warning}\n`);

  let activation: SocketActivation | undefined;
  let activationLayer: SettingsLayer = {};
  if (cli.action === 'run') {
    const found = readSocketActivation(env, process.pid);
    if ('error' in found) return fail(`${PROGRAM}: ${found.error}`);
    activation = found.activation;
    // -m/-p are ignored with an inherited socket, as in qemu-ga.
    if (activation) activationLayer = { method: 'unix-listen', path: activation.where };
  }
  const resolved = resolveSettings(mergeSettings(file.settings, cli.settings, activationLayer), platform);
  if ('error' in resolved) return fail(`${PROGRAM}: ${resolved.error}`);
  // A foreground instance writes a pidfile only when -f was given on the command line;
  // the config file's pidfile= key, like qemu-ga's, matters only with daemon mode.
  const settings = { ...resolved, pidfileExplicit: cli.settings.pidfile !== undefined };

  if (cli.action === 'dump-config') {
    stdout.write((await import('./config/dump-config.js')).dumpConfig(settings));
    return 0;
  }
  if (cli.action === 'list-commands') {
    let names: string[];
    try {
      names = listCommands(await selectBackend(settings), await loadPlugins(settings.plugins));
    } catch (e) {
      return fail(`${PROGRAM}: ${(e as Error).message}`);
    }
    stdout.write(names.map((name) => `${name}\n`).join(''));
    return 0;
  }

  if (cli.action === 'service' || (settings.daemon && platform === 'win32')) {
    // Windows: -s installs/removes the service; -d is the service itself, run by the SCM.
    // Imported here only: it loads the Windows backend, which no other platform needs at start.
    const { windowsService } = await import('./service/windows-service.js');
    return windowsService(cli.action === 'service' ? (cli.service ?? '') : 'run', argv, platform, stdout, stderr, (onStop) => {
      // The default pidfile lives in %ProgramData%\qemu-ga, which qemu-ga creates too.
      mkdirSync(dirname(settings.pidfile), { recursive: true });
      return serve(settings, { stderr, daemonChild: false, activation, onStop });
    });
  }
  const daemonChild = isDaemonChild(env);
  if (settings.daemon && !daemonChild) return spawnDaemon(argv, env, stderr);
  return serve(settings, { stderr, daemonChild, activation });
}
