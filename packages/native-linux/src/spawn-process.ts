import { lastErrno, libcFunction, loadKoffi, sysError, type KoffiFn, type KoffiLib } from './libc.js';

/** Where a child's fd 0, 1 or 2 comes from: a descriptor of ours (dup2'ed), or /dev/null. */
export type ChildFd = number | 'null';

export interface NativeSpawnRequest {
  /** The program's path (already resolved: no PATH search here). */
  readonly file: string;
  /** argv, argv[0] included. */
  readonly argv: readonly string[];
  /** "NAME=value" entries, or 'inherit': the agent's own environment (C's `environ`, which process.env reads and writes). */
  readonly envp: readonly string[] | 'inherit';
  readonly stdin: ChildFd;
  readonly stdout: ChildFd;
  readonly stderr: ChildFd;
}

const O_RDWR = 2;
const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
const ENOEXEC = 8;
const AF_UNIX = 1;
const SOCK_STREAM = 1;
const SOCK_CLOEXEC = 0o2000000;
const WNOHANG = 1;
// Opaque libc objects, allocated generously (glibc and musl on LP64: 80, 336 and 128 bytes).
const FILE_ACTIONS_BYTES = 256;
const ATTR_BYTES = 512;
const SIGSET_BYTES = 256;

let closeFrom: KoffiFn | null | undefined;

/**
 * posix_spawn(3): the child is started with clone(CLONE_VM | CLONE_VFORK)
 * inside glibc, so nothing of the agent's memory is copied. libuv's fork()
 * copies the page tables of the whole Node process — ~0.5 ms of CPU at
 * 50 MB RSS and ~1.6 ms at 200 MB, measured (BENCHMARKS.md), against
 * ~0.08 ms here whatever the size.
 *
 * As libuv's child set-up: every signal at its default disposition (Node
 * ignores SIGPIPE) and none blocked. Descriptors 3 and up are closed in the
 * child (posix_spawn_file_actions_addclosefrom_np, glibc ≥ 2.34) as qemu-ga's
 * GLib does (see spawnClosesOtherFds for libcs without it). Like execvp (what
 * libuv runs), a file the kernel cannot execute (ENOEXEC: a script without
 * `#!`) is run by /bin/sh. Throws the errno as a Node-style error.
 */
export function spawnProcess(req: NativeSpawnRequest): { pid: number; closedOthers: boolean } {
  const init = libcFunction('int posix_spawn_file_actions_init(_Inout_ uint8_t *fa)');
  const destroy = libcFunction('int posix_spawn_file_actions_destroy(_Inout_ uint8_t *fa)');
  const adddup2 = libcFunction('int posix_spawn_file_actions_adddup2(_Inout_ uint8_t *fa, int fd, int newfd)');
  const addopen = libcFunction(
    'int posix_spawn_file_actions_addopen(_Inout_ uint8_t *fa, int fd, const char *path, int oflag, uint32_t mode)',
  );
  const attrInit = libcFunction('int posix_spawnattr_init(_Inout_ uint8_t *attr)');
  const attrDestroy = libcFunction('int posix_spawnattr_destroy(_Inout_ uint8_t *attr)');
  const setFlags = libcFunction('int posix_spawnattr_setflags(_Inout_ uint8_t *attr, short flags)');
  const setSigDefault = libcFunction('int posix_spawnattr_setsigdefault(_Inout_ uint8_t *attr, const uint8_t *set)');
  const setSigMask = libcFunction('int posix_spawnattr_setsigmask(_Inout_ uint8_t *attr, const uint8_t *set)');
  const sigfillset = libcFunction('int sigfillset(_Inout_ uint8_t *set)');
  const sigemptyset = libcFunction('int sigemptyset(_Inout_ uint8_t *set)');
  const posixSpawn = libcFunction(
    'int posix_spawn(_Out_ int *pid, const char *path, const uint8_t *fa, const uint8_t *attr, const char **argv, const char **envp)',
  );
  const posixSpawnEnviron = libcFunction(
    'int posix_spawn(_Out_ int *pid, const char *path, const uint8_t *fa, const uint8_t *attr, const char **argv, void *envp)',
  );
  spawnClosesOtherFds();

  const fa = Buffer.alloc(FILE_ACTIONS_BYTES);
  const attr = Buffer.alloc(ATTR_BYTES);
  const all = Buffer.alloc(SIGSET_BYTES);
  const none = Buffer.alloc(SIGSET_BYTES);
  check(init(fa) as number, 'posix_spawn_file_actions_init');
  try {
    check(attrInit(attr) as number, 'posix_spawnattr_init');
    try {
      const slots: [ChildFd, number][] = [
        [req.stdin, 0],
        [req.stdout, 1],
        [req.stderr, 2],
      ];
      for (const [from, to] of slots) {
        if (from === 'null') check(addopen(fa, to, '/dev/null', O_RDWR, 0) as number, 'posix_spawn_file_actions_addopen');
        else check(adddup2(fa, from, to) as number, 'posix_spawn_file_actions_adddup2');
      }
      const closedOthers = closeFrom != null && (closeFrom(fa, 3) as number) === 0;
      sigfillset(all);
      sigemptyset(none);
      check(setSigDefault(attr, all) as number, 'posix_spawnattr_setsigdefault');
      check(setSigMask(attr, none) as number, 'posix_spawnattr_setsigmask');
      check(setFlags(attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK) as number, 'posix_spawnattr_setflags');
      const pid = [0];
      // Inheriting passes `environ` itself: copying process.env into strings cost more than the spawn.
      const run = req.envp === 'inherit' ? posixSpawnEnviron : posixSpawn;
      const envp = req.envp === 'inherit' ? currentEnviron() : [...req.envp, null];
      let rc = run(pid, req.file, fa, attr, [...req.argv, null], envp) as number;
      if (rc === ENOEXEC) rc = run(pid, '/bin/sh', fa, attr, ['/bin/sh', req.file, ...req.argv.slice(1), null], envp) as number;
      if (rc !== 0) throw sysError(rc, 'spawn', req.file);
      return { pid: pid[0]!, closedOthers };
    } finally {
      attrDestroy(attr);
    }
  } finally {
    destroy(fa);
  }
}

/**
 * Whether spawnProcess closes descriptors 3 and up in the child itself
 * (posix_spawn_file_actions_addclosefrom_np: glibc ≥ 2.34, not musl). When
 * not, the caller marks inherited descriptors close-on-exec before spawning.
 */
export function spawnClosesOtherFds(): boolean {
  if (closeFrom === undefined) {
    try {
      closeFrom = libcFunction('int posix_spawn_file_actions_addclosefrom_np(_Inout_ uint8_t *fa, int from)');
    } catch {
      closeFrom = null;
    }
  }
  return closeFrom !== null;
}

let environSymbol: unknown;

/**
 * The value of C's `environ` now (setenv may have moved it). Looked up in
 * the program's global scope, not in libc: node references `environ`, so the
 * live variable is the executable's copy (a copy relocation); libc's own
 * symbol is a stale original.
 */
function currentEnviron(): unknown {
  const { koffi } = loadKoffi();
  environSymbol ??= (koffi.load(null) as KoffiLib).symbol('environ', 'void *');
  const value = koffi.decode(environSymbol, 'void *');
  if (value === null || value === 0n) throw new Error('environ not found');
  return value;
}

function check(rc: number, call: string): void {
  if (rc !== 0) throw sysError(rc, call);
}

/** socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC): what libuv gives a child for a 'pipe' stdio slot. */
export function socketPairFds(): [number, number] {
  const socketpair = libcFunction('int socketpair(int domain, int type, int protocol, _Out_ int *sv)');
  const sv = [0, 0];
  if ((socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) as number) !== 0) throw sysError(lastErrno(), 'socketpair');
  return [sv[0]!, sv[1]!];
}

/**
 * waitpid(pid, WNOHANG): the raw wait status once the child has exited (it is
 * reaped then), undefined while it runs. Throws the errno (ECHILD: not ours
 * or already reaped).
 */
export function reapChild(pid: number): number | undefined {
  const waitpid = libcFunction('int waitpid(int pid, _Out_ int *status, int options)');
  const status = [0];
  const r = waitpid(pid, status, WNOHANG) as number;
  if (r === 0) return undefined;
  if (r < 0) throw sysError(lastErrno(), 'waitpid');
  return status[0]!;
}
