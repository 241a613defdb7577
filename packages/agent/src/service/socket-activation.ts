import { readFileSync, readlinkSync } from 'node:fs';

export const SD_LISTEN_FDS_START = 3;

export interface SocketActivation {
  readonly fd: number;
  readonly kind: 'unix';
  /** The socket's path when /proc tells it (for logs and -D). */
  readonly where: string;
}

export type ActivationResult = { readonly activation?: SocketActivation } | { readonly error: string };

/**
 * systemd socket activation (docs/agent.md#socket-activation): honoured only when LISTEN_PID is our
 * pid; one fd at most; fd 3 must be a unix socket (the method becomes
 * unix-listen and -m/-p are ignored). qemu-ga also takes a vsock socket; Node
 * cannot serve one (libuv does not know AF_VSOCK), so that is refused with a
 * clear message, and so is a TCP socket (it would bypass tcp-listen's
 * loopback/authentication checks). The LISTEN_* variables are
 * removed so guest-exec children do not inherit them.
 */
export function readSocketActivation(env: NodeJS.ProcessEnv, pid: number, inspect = socketKind): ActivationResult {
  const listenPid = env.LISTEN_PID;
  const listenFds = env.LISTEN_FDS;
  if (listenPid === undefined || listenFds === undefined) return {};
  delete env.LISTEN_PID;
  delete env.LISTEN_FDS;
  delete env.LISTEN_FDNAMES;
  if (!/^\d+$/.test(listenPid) || Number(listenPid) !== pid) return {};
  if (!/^\d+$/.test(listenFds)) return { error: `invalid LISTEN_FDS '${listenFds}'` };
  const count = Number(listenFds);
  if (count === 0) return {};
  if (count > 1) return { error: 'qga only supports listening on one socket' };
  const found = inspect(SD_LISTEN_FDS_START);
  if (found?.kind !== 'unix') {
    return {
      error: `unsupported listen fd type${found ? ` (${found.kind})` : ''}: only a unix socket can be passed (vsock activation is not supported)`,
    };
  }
  return { activation: { fd: SD_LISTEN_FDS_START, kind: 'unix', where: found.where } };
}

/** Identify a socket fd through /proc: its inode in /proc/net/unix or /proc/net/tcp{,6}. */
export function socketKind(fd: number, proc = '/proc'): { kind: 'unix' | 'tcp'; where: string } | undefined {
  let link: string;
  try {
    link = readlinkSync(`${proc}/self/fd/${fd}`);
  } catch {
    return undefined;
  }
  const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
  if (inode === undefined) return undefined;
  const unix = findRow(`${proc}/net/unix`, 6, inode);
  if (unix) return { kind: 'unix', where: unix[7] ?? '(unnamed)' };
  for (const table of ['tcp', 'tcp6']) {
    const tcp = findRow(`${proc}/net/${table}`, 9, inode);
    if (tcp) return { kind: 'tcp', where: tcp[1] ?? '?' };
  }
  return undefined;
}

function findRow(path: string, column: number, inode: string): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[column] === inode) return cols;
  }
  return undefined;
}
