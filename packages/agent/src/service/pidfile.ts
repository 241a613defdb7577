import { closeSync, fstatSync, ftruncateSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tryLockExclusive } from '@qga/native-linux';

export class PidfileError extends Error {}

export interface PidfileLock {
  readonly path: string;
  /** How the lock is held: a kernel flock, or the exclusive-create fallback. */
  readonly kind: 'flock' | 'exclusive-create';
  /** Remove the pidfile (if it still names us) and drop the lock. Sync: usable on exit paths. */
  release(): void;
}

export interface PidfileOptions {
  readonly pid?: number;
  /** Try flock(2) first (default true); false forces the fallback (tests). */
  readonly flock?: boolean;
}

/**
 * Write the pidfile and hold it as a lock against a second instance.
 *
 * Preferred way: open the pidfile and flock(2) it (LOCK_EX | LOCK_NB) through
 * the native layer — qemu-ga locks its pidfile too. The lock belongs to the
 * open file description, which we keep, so it is dropped only when we close
 * it or die: no stale lock after a crash, no pid-recycling confusion.
 *
 * Fallback when the native layer cannot be loaded: the pidfile is linked into place
 * from a complete temp file (link() fails if the path exists, so it appears
 * atomically), and an existing one is honoured only if the pid in it is alive
 * (kill(pid, 0); zombies count as dead). A stale file is replaced. Weaker: a
 * recycled pid of an unrelated process makes us refuse (delete the file), and
 * two instances racing over the same stale file can both start.
 */
export function acquirePidfile(path: string, options: PidfileOptions = {}): PidfileLock {
  const pid = options.pid ?? process.pid;
  if (options.flock !== false) {
    const lock = tryFlock(path, pid);
    if (lock) return lock;
  }
  return exclusiveCreate(path, pid);
}

/** undefined when flock(2) cannot be called (no native layer, or a filesystem without locks). */
function tryFlock(path: string, pid: number): PidfileLock | undefined {
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'a+', 0o600);
    } catch (e) {
      throw new PidfileError(`cannot create pid file ${path}: ${(e as Error).message}`);
    }
    let locked: boolean;
    try {
      locked = tryLockExclusive(fd);
    } catch {
      closeSync(fd);
      return undefined;
    }
    if (!locked) {
      closeSync(fd);
      const holder = readPid(path);
      throw new PidfileError(
        `another instance is running (${holder === undefined ? 'pid unknown' : `pid ${holder}`}, pid file ${path} is locked)`,
      );
    }
    // The holder may have unlinked the file between our open and our lock: then we locked an orphan.
    if (!sameFile(fd, path)) {
      closeSync(fd);
      continue;
    }
    ftruncateSync(fd, 0);
    writeSync(fd, `${pid}\n`, 0);
    return {
      path,
      kind: 'flock',
      release: () => {
        try {
          if (sameFile(fd, path)) unlinkSync(path);
        } catch {
          // already gone
        }
        closeSync(fd);
      },
    };
  }
  throw new PidfileError(`cannot lock pid file ${path}: it keeps being replaced`);
}

function sameFile(fd: number, path: string): boolean {
  try {
    const a = fstatSync(fd);
    const b = statSync(path);
    return a.ino === b.ino && a.dev === b.dev;
  } catch {
    return false;
  }
}

function exclusiveCreate(path: string, pid: number): PidfileLock {
  const temp = join(dirname(path), `.${pid}.${Date.now()}.qga-pid`);
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, `${pid}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw new PidfileError(`cannot create pid file ${path}: ${(e as Error).message}`);
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(temp, path);
        return {
          path,
          kind: 'exclusive-create',
          release: () => {
            try {
              if (readPid(path) === pid) unlinkSync(path);
            } catch {
              // already gone
            }
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) {
          throw new PidfileError(`cannot create pid file ${path}: ${(e as Error).message}`);
        }
      }
      const holder = readPid(path);
      if (holder !== undefined && holder !== pid && isAlive(holder)) {
        throw new PidfileError(`another instance is running (pid ${holder}, pid file ${path})`);
      }
      try {
        unlinkSync(path); // stale: its process is gone
      } catch {
        // gone meanwhile: retry the link
      }
    }
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
  }
}

export function readPid(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const match = /^\s*(\d+)\s*$/.exec(text);
  const pid = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // "<pid> (<comm>) <state> ...": a zombie has exited already.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return true; // no procfs: trust kill()
  }
}
