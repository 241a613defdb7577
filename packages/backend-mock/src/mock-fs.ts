import { errnoError, type FopenMode } from '@qga/core';

/** The kinds of node the mock filesystem holds. */
export type MockNodeKind = 'file' | 'dir' | 'fifo';

interface NodeMeta {
  mode: number;
  uid: number;
  gid: number;
}

export class FileNode implements NodeMeta {
  readonly kind = 'file';
  data: Buffer = Buffer.alloc(0);
  size = 0;
  constructor(
    public mode: number,
    public uid: number,
    public gid: number,
  ) {}

  /** Make room for `end` bytes (doubling), zero-filling any gap. */
  ensure(end: number): void {
    if (end <= this.data.length) return;
    const grown = Buffer.alloc(Math.max(end, Math.min(this.data.length * 2, MAX_FILE_SIZE), 64));
    this.data.copy(grown, 0, 0, this.size);
    this.data = grown;
  }

  content(): Buffer {
    return Buffer.from(this.data.subarray(0, this.size));
  }
}

export class DirNode implements NodeMeta {
  readonly kind = 'dir';
  readonly entries = new Map<string, MockNode>();
  constructor(
    public mode: number,
    public uid: number,
    public gid: number,
  ) {}
}

/** A named pipe: bytes written by the test are read by the agent; closing the writer gives EOF. */
export class FifoNode implements NodeMeta {
  readonly kind = 'fifo';
  readonly queue: Buffer[] = [];
  writerClosed = false;
  constructor(
    public mode: number,
    public uid: number,
    public gid: number,
  ) {}
}

export type MockNode = FileNode | DirNode | FifoNode;

/** What MockFileSystem.stat reports about a node. */
export interface MockStat {
  readonly kind: MockNodeKind;
  readonly size: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/** Mode and ownership for a node the test creates. */
export interface MockWriteOptions {
  /** Permission bits (default 0644 for files, 0755 for directories). */
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
}

/** Largest file the mock holds (Buffer limit with margin). */
export const MAX_FILE_SIZE = 2 ** 31 - 1;

/**
 * An in-memory POSIX-like filesystem with byte-exact contents. Paths are
 * absolute or relative to `cwd`; `.` and `..` are resolved. Permissions: the
 * owner bits are checked (read 0400, write 0200; creating or removing an
 * entry needs 0200 on the directory) — the agent behaves as the unprivileged
 * owner of everything, so `chmod(path, 0)` yields EACCES.
 */
export class MockFileSystem {
  /** @internal */
  readonly root = new DirNode(0o755, 0, 0);

  constructor(public cwd = '/') {}

  /** Split a path into components, resolving `.`, `..` and the cwd. */
  components(path: string): string[] {
    if (path === '') throw errnoError('ENOENT');
    const full = path.startsWith('/') ? path : `${this.cwd}/${path}`;
    const parts: string[] = [];
    for (const p of full.split('/')) {
      if (p === '' || p === '.') continue;
      if (p === '..') parts.pop();
      else parts.push(p);
    }
    return parts;
  }

  /** Normalized absolute path. */
  resolve(path: string): string {
    return `/${this.components(path).join('/')}`;
  }

  /** @internal The node at `path`, or an ENOENT/ENOTDIR error. */
  lookup(path: string): MockNode {
    let node: MockNode = this.root;
    for (const name of this.components(path)) {
      if (node.kind !== 'dir') throw errnoError('ENOTDIR');
      const next: MockNode | undefined = node.entries.get(name);
      if (next === undefined) throw errnoError('ENOENT');
      node = next;
    }
    return node;
  }

  /** @internal The parent directory of `path` and the last component. */
  parent(path: string): { dir: DirNode; name: string } {
    const parts = this.components(path);
    const name = parts.pop();
    if (name === undefined) throw errnoError('EISDIR'); // the root itself
    const dir = this.lookup(`/${parts.join('/')}`);
    if (dir.kind !== 'dir') throw errnoError('ENOTDIR');
    return { dir, name };
  }

  /** Whether `path` names a node. */
  exists(path: string): boolean {
    try {
      this.lookup(path);
      return true;
    } catch {
      return false;
    }
  }

  /** Kind, size, mode and owner of the node at `path`. */
  stat(path: string): MockStat {
    const node = this.lookup(path);
    return {
      kind: node.kind,
      size: node.kind === 'file' ? node.size : 0,
      mode: node.mode,
      uid: node.uid,
      gid: node.gid,
    };
  }

  /** mkdir; `recursive` creates missing parents and accepts an existing directory. */
  mkdir(path: string, options: MockWriteOptions & { readonly recursive?: boolean } = {}): void {
    const mode = options.mode ?? 0o755;
    if (options.recursive) {
      let dir: DirNode = this.root;
      for (const name of this.components(path)) {
        let next = dir.entries.get(name);
        if (next === undefined) {
          next = new DirNode(mode, options.uid ?? 0, options.gid ?? 0);
          dir.entries.set(name, next);
        } else if (next.kind !== 'dir') {
          throw errnoError('ENOTDIR');
        }
        dir = next;
      }
      return;
    }
    const { dir, name } = this.parent(path);
    if (dir.entries.has(name)) throw errnoError('EEXIST');
    this.checkAccess(dir, 0o200);
    dir.entries.set(name, new DirNode(mode, options.uid ?? 0, options.gid ?? 0));
  }

  /** Create or replace a file (parents are created as needed). */
  writeFile(path: string, content: string | Uint8Array, options: MockWriteOptions = {}): void {
    const parts = this.components(path);
    const name = parts.pop();
    if (name === undefined) throw errnoError('EISDIR');
    this.mkdir(`/${parts.join('/')}`, { recursive: true });
    const { dir } = this.parent(path);
    const existing = dir.entries.get(name);
    if (existing?.kind === 'dir') throw errnoError('EISDIR');
    const file = existing?.kind === 'file' ? existing : new FileNode(options.mode ?? 0o644, options.uid ?? 0, options.gid ?? 0);
    if (options.mode !== undefined) file.mode = options.mode;
    if (options.uid !== undefined) file.uid = options.uid;
    if (options.gid !== undefined) file.gid = options.gid;
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    file.data = bytes;
    file.size = bytes.length;
    dir.entries.set(name, file);
  }

  /** A copy of a file's bytes. */
  readFile(path: string): Buffer {
    const node = this.lookup(path);
    if (node.kind === 'dir') throw errnoError('EISDIR');
    if (node.kind === 'fifo') return Buffer.concat(node.queue);
    return node.content();
  }

  /** A file's content as UTF-8 text. */
  readText(path: string): string {
    return this.readFile(path).toString('utf8');
  }

  /** Names in a directory, sorted. */
  list(path: string): string[] {
    const node = this.lookup(path);
    if (node.kind !== 'dir') throw errnoError('ENOTDIR');
    return [...node.entries.keys()].sort();
  }

  /** Set the permission bits of a node. */
  chmod(path: string, mode: number): void {
    this.lookup(path).mode = mode;
  }

  /** Set the owner and group of a node. */
  chown(path: string, uid: number, gid: number): void {
    const node = this.lookup(path);
    node.uid = uid;
    node.gid = gid;
  }

  /** Remove a file, FIFO or directory tree (like `rm -rf` without the -f). */
  remove(path: string): void {
    const { dir, name } = this.parent(path);
    if (!dir.entries.delete(name)) throw errnoError('ENOENT');
  }

  /** Create a named pipe. */
  mkfifo(path: string, mode = 0o644): void {
    const { dir, name } = this.parent(path);
    if (dir.entries.has(name)) throw errnoError('EEXIST');
    dir.entries.set(name, new FifoNode(mode, 0, 0));
  }

  /** Write bytes into a named pipe for the agent to read. */
  fifoWrite(path: string, data: string | Uint8Array): void {
    const node = this.lookup(path);
    if (node.kind !== 'fifo') throw errnoError('EINVAL');
    node.queue.push(typeof data === 'string' ? Buffer.from(data) : Buffer.from(data));
  }

  /** Close the pipe's writer: once drained, reads report end of file. */
  fifoClose(path: string): void {
    const node = this.lookup(path);
    if (node.kind !== 'fifo') throw errnoError('EINVAL');
    node.writerClosed = true;
  }

  /**
   * @internal
   * open(2) with fopen semantics: `r` must exist; `w` creates (0666, as
   * qemu-ga) and truncates; `a` creates and appends; `+` adds the other
   * direction. Directories open read-only (reads then fail with EISDIR).
   */
  open(path: string, mode: FopenMode): { node: MockNode; readable: boolean; writable: boolean; append: boolean } {
    const readable = mode.startsWith('r') || mode.includes('+');
    const writable = !mode.startsWith('r') || mode.includes('+');
    const create = mode.startsWith('w') || mode.startsWith('a');
    const truncate = mode.startsWith('w');
    const append = mode.startsWith('a');
    let node: MockNode;
    try {
      node = this.lookup(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !create) throw e;
      const { dir, name } = this.parent(path);
      this.checkAccess(dir, 0o200);
      const file = new FileNode(0o666, 0, 0);
      dir.entries.set(name, file);
      return { node: file, readable, writable, append };
    }
    if (node.kind === 'dir' && writable) throw errnoError('EISDIR');
    if (readable) this.checkAccess(node, 0o400);
    if (writable) this.checkAccess(node, 0o200);
    if (truncate && node.kind === 'file') node.size = 0;
    return { node, readable, writable, append };
  }

  private checkAccess(node: MockNode, bit: number): void {
    if ((node.mode & bit) === 0) throw errnoError('EACCES');
  }
}
