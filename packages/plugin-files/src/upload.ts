import { createHash, type Hash } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { QgaError } from '@qga/core';
import { fsError } from './fs-errors.js';
import { hashRange } from './hash-file.js';

/** What the host may ask to set on the final file. */
export interface Ownership {
  mode?: number;
  uid?: number;
  gid?: number;
}

/**
 * One upload in progress: a temp file next to the target, written at
 * offsets, hashed as it grows (sequential writes, the normal case, cost no
 * second read), committed by fsync + rename + fsync of the directory.
 */
export class Upload {
  private hash: Hash | undefined;
  private hashedTo = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly id: number,
    readonly path: string,
    readonly tempPath: string,
    private readonly handle: fs.FileHandle,
    public size: number,
  ) {}

  /**
   * Opens (resume) or creates the temp file. A fresh one is created with
   * O_EXCL | O_NOFOLLOW, mode 0600; an existing one is reused only when it is
   * a plain file of ours with one link (nothing planted by someone else).
   */
  static async open(id: number, path: string, tempPath: string, resume: boolean): Promise<Upload> {
    let handle: fs.FileHandle | undefined;
    if (resume) {
      try {
        handle = await fs.open(tempPath, constants.O_RDWR | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError('cannot resume the upload into', tempPath, e);
      }
    } else {
      await fs.unlink(tempPath).catch(() => {});
    }
    if (handle !== undefined) {
      const st = await handle.stat();
      const uid = process.geteuid?.() ?? st.uid;
      if (!st.isFile() || st.nlink !== 1 || st.uid !== uid) {
        await handle.close();
        throw new QgaError(`refusing to resume into '${tempPath}': not a single-link regular file owned by the agent`);
      }
      const upload = new Upload(id, path, tempPath, handle, st.size);
      upload.hash = await hashRange(handle, st.size);
      upload.hashedTo = st.size;
      return upload;
    }
    try {
      handle = await fs.open(tempPath, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    } catch (e) {
      throw fsError('cannot create', tempPath, e);
    }
    const upload = new Upload(id, path, tempPath, handle, 0);
    upload.hash = createHash('sha256');
    return upload;
  }

  /** Arms (re-arms) the idle timer: `onIdle` runs if nothing happens for `ms`. */
  touch(ms: number, onIdle: () => void): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(onIdle, ms);
    this.idleTimer.unref();
  }

  async write(offset: number, bytes: Buffer): Promise<void> {
    if (offset > this.size) throw new QgaError(`upload offset ${offset} leaves a hole: the file has ${this.size} bytes`);
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, offset + done);
      done += bytesWritten;
    }
    if (offset === this.hashedTo && this.hash !== undefined) {
      this.hash.update(bytes);
      this.hashedTo += bytes.length;
    } else if (offset < this.hashedTo) {
      this.hash = undefined; // an overlapping rewrite: hash the file again at commit
    }
    this.size = Math.max(this.size, offset + bytes.length);
  }

  /**
   * Checks the SHA-256, sets mode/owner (asked for, else the replaced file's,
   * else 0644), makes the data durable and renames over `path`.
   */
  async commit(expectedSha256: string, asked: Ownership): Promise<{ size: number; sha256: string }> {
    await this.handle.truncate(this.size);
    const digest = (this.hash !== undefined && this.hashedTo === this.size ? this.hash : await hashRange(this.handle, this.size)).digest(
      'hex',
    );
    this.hash = undefined;
    if (digest !== expectedSha256.toLowerCase()) {
      await this.abort();
      throw new QgaError(
        `SHA-256 mismatch for '${this.path}': received ${digest}, expected ${expectedSha256}; the partial upload was removed`,
      );
    }
    const old = await fs.lstat(this.path).catch(() => undefined);
    if (old?.isDirectory()) throw new QgaError(`cannot replace '${this.path}': it is a directory`);
    const keep = old?.isFile() ? old : undefined;
    const mode = asked.mode ?? (keep ? keep.mode & 0o7777 : 0o644);
    const uid = asked.uid ?? keep?.uid;
    const gid = asked.gid ?? keep?.gid;
    try {
      if (uid !== undefined || gid !== undefined) {
        const st = await this.handle.stat();
        if ((uid ?? st.uid) !== st.uid || (gid ?? st.gid) !== st.gid) await this.handle.chown(uid ?? st.uid, gid ?? st.gid);
      }
      await this.handle.chmod(mode); // after chown, which clears set-id bits
      await this.handle.sync();
    } catch (e) {
      throw fsError('cannot set mode/owner/durability of', this.tempPath, e);
    }
    await this.handle.close();
    try {
      // rename replaces a symlink at `path` itself; it never writes through it.
      await fs.rename(this.tempPath, this.path);
    } catch (e) {
      throw fsError('cannot rename the upload onto', this.path, e);
    }
    await syncDirectory(dirname(this.path));
    clearTimeout(this.idleTimer);
    return { size: this.size, sha256: digest };
  }

  /** Closes the file, keeping the temp file for a later resume. */
  async suspend(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.handle.close().catch(() => {});
  }

  /** Closes and removes the temp file. */
  async abort(): Promise<void> {
    await this.suspend();
    await fs.unlink(this.tempPath).catch(() => {});
  }
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await fs.open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    await handle.sync().finally(() => handle.close());
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself has happened.
  }
}
