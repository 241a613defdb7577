import { chmodSync, lstatSync, mkdtempSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { type Logger, type Transport } from '@qga/core';
import { errorText } from '@qga/core/internal';
import { DEFAULT_MAX_CLIENTS, validateMaxClients } from './max-clients.js';
import { socketTransport } from './socket-transport.js';
import { watchServer } from './watch-server.js';

/** Where and how unixListenTransport creates its socket. */
export interface UnixListenOptions {
  readonly path: string;
  /** Permission bits of the socket file; default 0o600 (only the owner may talk to the agent). */
  readonly mode?: number;
  /** Clients served at once; further connections are closed at once (default 16). */
  readonly maxClients?: number;
  readonly logger?: Logger;
  /** See SocketSessionOptions.halfOpenTimeoutMs. */
  readonly halfOpenTimeoutMs?: number;
  /** Called once the socket file exists at `path` with its final mode. */
  readonly onListening?: () => void;
}

/**
 * `-m unix-listen`: a listening unix stream socket, one session per client.
 * Unlike qemu-ga (one client at a time, the rest wait in the backlog), several
 * clients are served at once, each with its own session (and so its own parser).
 *
 * The socket is bound inside a fresh 0700 directory next to `path`, given its
 * mode, then renamed over `path`: nobody can connect before the mode is set,
 * and a stale socket is replaced atomically (no umask games, which would be
 * process-wide). A socket someone still answers on is never taken over: a
 * second agent on the same path would steal the first one's clients, and
 * delete its socket when it exits.
 */
export function unixListenTransport(options: UnixListenOptions): Transport {
  const { path } = options;
  if (typeof path !== 'string' || path.length === 0) throw new Error('unix-listen: a socket path is required');
  const mode = options.mode ?? 0o600;
  const maxClients = validateMaxClients(options.maxClients ?? DEFAULT_MAX_CLIENTS, 'unix-listen');
  const description = `unix-listen:${path}`;
  const logger = options.logger;
  return socketTransport(description, options, (tracker, subscriber, listening) => {
    // pauseOnConnect: nothing is read until the agent subscribes to the session's input.
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
    let ours: number | undefined; // inode of the socket we put at `path`
    let stagingDir: string | undefined;
    const cleanStaging = (): void => {
      if (stagingDir) rmSync(stagingDir, { recursive: true, force: true });
      stagingDir = undefined;
    };
    server.on('connection', (socket: Socket) => subscriber.next(tracker.open(socket)));
    const nowListening = watchServer(server, {
      description,
      maxClients,
      logger,
      onFatal: (err) => {
        cleanStaging();
        subscriber.error(cannotListen(path, err));
      },
    });
    let stopped = false;
    const fail = (err: unknown): void => {
      cleanStaging();
      server.close();
      if (!stopped) subscriber.error(cannotListen(path, err));
    };
    const bindAndPublish = (): void => {
      try {
        stagingDir = mkdtempSync(join(dirname(path), `.${basename(path).slice(0, 8)}-`));
      } catch (err) {
        fail(err);
        return;
      }
      const staged = join(stagingDir, 's');
      server.listen(staged, () => {
        try {
          chmodSync(staged, mode);
          assertReplaceable(path);
          renameSync(staged, path);
          ours = lstatSync(path).ino;
        } catch (err) {
          fail(err);
          return;
        }
        cleanStaging();
        nowListening();
        listening();
        options.onListening?.();
      });
    };
    let existing: boolean;
    try {
      existing = assertReplaceable(path);
    } catch (err) {
      subscriber.error(cannotListen(path, err));
      return undefined;
    }
    if (!existing) bindAndPublish();
    else
      void probeLive(path).then((live) => {
        if (stopped) return;
        if (live instanceof Error) subscriber.error(cannotListen(path, live));
        else if (live)
          subscriber.error(
            new Error(
              `unix-listen: ${path} is in use: another process accepts connections on it (is another agent running?); refusing to take it over`,
            ),
          );
        else bindAndPublish(); // a stale socket file left by a process that died
      });
    return () => {
      stopped = true;
      server.close();
      cleanStaging();
      // Remove our socket file, but never one another process has put there since.
      if (ours !== undefined) {
        try {
          const st = lstatSync(path);
          if (st.isSocket() && st.ino === ours) unlinkSync(path);
        } catch {
          // already gone
        }
      }
    };
  });
}

/**
 * qemu-ga unlinks whatever is at the path; we replace only a (stale) socket and
 * refuse to clobber anything else. True when a socket file is there.
 */
function assertReplaceable(path: string): boolean {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  if (!isSocket) throw new Error(`unix-listen: ${path} exists and is not a socket; refusing to replace it`);
  return true;
}

/**
 * Does a process accept connections on the socket at `path`? A stale file
 * refuses (ECONNREFUSED) or is gone meanwhile; any other failure (EACCES…)
 * is returned, as we cannot tell.
 */
function probeLive(path: string): Promise<boolean | Error> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ? false : err));
  });
}

/** One line naming the path the user gave, not our staging directory. */
function cannotListen(path: string, err: unknown): Error {
  const text = err instanceof Error ? err.message : String(err);
  if (text.startsWith('unix-listen: ')) return err as Error;
  // The errno name stays on the error (`code`) for callers that test it.
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return Object.assign(new Error(`unix-listen: cannot listen on ${path}: ${errorText(err)}`), code !== undefined ? { code } : {});
}
