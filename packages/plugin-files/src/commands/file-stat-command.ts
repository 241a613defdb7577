import { promises as fs } from 'node:fs';
import { injectable } from 'inversify';
import type { Command } from '@qga/core';
import { fsError } from '../fs-errors.js';

/** `__org.qga_file-stat` reply: type, size, mode, owner and modification time of a path. */
export interface FileStatReply {
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  mode: number;
  uid: number;
  gid: number;
  'mtime-ns': bigint;
}

/** `__org.qga_file-stat`: what is at `path`, without following a symlink there. */
@injectable()
export class FileStatCommand implements Command<{ path: string }, FileStatReply> {
  readonly spec = { name: '__org.qga_file-stat', args: { path: 'str' } } as const;

  async run(args: { path: string }): Promise<FileStatReply> {
    let st;
    try {
      st = await fs.lstat(args.path, { bigint: true });
    } catch (e) {
      throw fsError('cannot stat', args.path, e);
    }
    const type = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : 'other';
    return {
      type,
      size: Number(st.size),
      mode: Number(st.mode & 0o7777n),
      uid: Number(st.uid),
      gid: Number(st.gid),
      'mtime-ns': st.mtimeNs,
    };
  }
}
