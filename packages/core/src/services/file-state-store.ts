import { closeSync, constants, fsync, openSync, unlinkSync, writeSync } from 'node:fs';
import { chmod, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../ports/logger-port.js';
import { INT64_MAX, INT64_MIN } from '../protocol/json-value.js';
import { QgaError } from '../protocol/qga-error.js';
import { parseKeyFile } from '../util/key-file.js';
import { closeQuietly } from '../util/close-quietly.js';
import { errorCode, errorText } from '../util/strerror.js';
import { SerialQueue } from '../util/serial-queue.js';
import { makeDirectory } from '../util/make-directory.js';
import type { StateStore } from './state-store.js';

const DEFAULT_FD_COUNTER = 1000n;

/**
 * qemu-ga's persistent state (docs/agent.md#state-directory): `<dir>/qga.state`, a GKeyFile
 * `[global]\nfd_counter=N\n` rewritten atomically (temp file, fsync, rename)
 * after every handle allocation, and the `<dir>/qga.state.isfrozen` marker.
 */
export class FileStateStore implements StateStore {
  readonly statePath: string;
  readonly markerPath: string;
  private counter = DEFAULT_FD_COUNTER;
  private frozenAtStart = false;
  private readonly writes = new SerialQueue();
  private tmpSequence = 0;

  constructor(
    readonly dir: string,
    private readonly logger?: Logger,
  ) {
    this.statePath = join(dir, 'qga.state');
    this.markerPath = join(dir, 'qga.state.isfrozen');
  }

  get startedFrozen(): boolean {
    return this.frozenAtStart;
  }

  async load(): Promise<void> {
    // Created as the qga binary does (0700, with parents); a failure is one line naming the directory.
    makeDirectory(this.dir, 0o700);
    try {
      await stat(this.markerPath);
      this.frozenAtStart = true;
    } catch (e) {
      if (errorCode(e) !== 'ENOENT') {
        // As qemu-ga: an unreadable marker means "assume frozen".
        this.logger?.log('error', `unable to access state file at path ${this.markerPath}: ${errorText(e)}`);
        this.frozenAtStart = true;
      }
    }

    let text: string;
    try {
      text = await readFile(this.statePath, 'utf8');
    } catch (e) {
      if (errorCode(e) !== 'ENOENT') throw loadError(e);
      this.counter = DEFAULT_FD_COUNTER;
      // Created now so a bad state directory is reported at startup; never while frozen.
      if (!this.frozenAtStart) {
        try {
          await this.write(this.counter);
        } catch (err) {
          this.logger?.log('error', `unable to create state file at path ${this.statePath}`);
          throw loadError(err);
        }
      }
      return;
    }
    try {
      const raw = parseKeyFile(text).groups.get('global')?.get('fd_counter');
      this.counter = raw === undefined ? DEFAULT_FD_COUNTER : (parseInt64(raw) ?? DEFAULT_FD_COUNTER);
    } catch (e) {
      this.logger?.log('error', `unable to parse state file at path ${this.statePath}: ${errorText(e)}`);
      throw loadError(e);
    }
  }

  nextHandle(): Promise<bigint> {
    return this.writes.run(async () => {
      const handle = this.counter;
      // qemu-ga aborts here; an error reply is kinder and just as safe.
      if (handle >= INT64_MAX - 1n) throw new QgaError('file handle counter exhausted');
      // Consumed even if the write fails, as in qemu-ga: a handle is never reused.
      this.counter = handle + 1n;
      try {
        await this.write(this.counter);
      } catch (e) {
        this.logger?.log('error', `failed to write persistent state to ${this.statePath}: ${errorText(e)}`);
        throw new QgaError('failed to commit persistent state to disk');
      }
      return handle;
    });
  }

  async setFrozenMarker(frozen: boolean): Promise<void> {
    if (frozen) {
      const fh = await open(this.markerPath, 'a', 0o600);
      await fh.close();
      await chmod(this.markerPath, 0o600);
    } else {
      try {
        await unlink(this.markerPath);
      } catch (e) {
        if (errorCode(e) !== 'ENOENT') throw e;
      }
    }
  }

  /**
   * Temp file, fsync, rename. The fsync and the rename go to libuv's pool (both may wait
   * for the disk or the journal: ~110 µs per rename here); open, write and close are quick
   * and made directly: five pool round trips per guest-file-open were a sixth of the
   * agent's CPU in a mixed soak. The temp name is this process's and a sequence number,
   * created with O_EXCL|O_NOFOLLOW (a planted file or link is never followed; the next name
   * is tried).
   */
  private async write(counter: bigint): Promise<void> {
    const data = Buffer.from(`[global]\nfd_counter=${counter}\n`, 'latin1');
    let tmp = '';
    let fd = -1;
    for (let attempt = 1; fd < 0; attempt++) {
      tmp = `${this.statePath}.${process.pid}.${++this.tmpSequence}`;
      try {
        fd = openSync(tmp, TEMP_FLAGS, 0o666);
      } catch (e) {
        if (errorCode(e) !== 'EEXIST' || attempt >= 16) throw e;
      }
    }
    try {
      for (let done = 0; done < data.length;) done += writeSync(fd, data, done);
      await new Promise<void>((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
    } catch (e) {
      closeQuietly(fd);
      unlinkQuietly(tmp);
      throw e;
    }
    closeSync(fd);
    try {
      await rename(tmp, this.statePath);
    } catch (e) {
      unlinkQuietly(tmp);
      throw e;
    }
  }
}

const TEMP_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW; // libuv adds O_CLOEXEC

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // nothing to clean up
  }
}

function loadError(cause: unknown): Error {
  return new Error('failed to load persistent state', { cause });
}

/** A GKeyFile integer64; undefined when it is not one (qemu-ga would read 0, we keep the default). */
function parseInt64(raw: string): bigint | undefined {
  const s = raw.trim();
  if (!/^-?\d+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? undefined : v;
}
