import { closeSync, constants, openSync } from 'node:fs';
import { lastErrno, libcFunction, sysError } from './libc.js';

/** One directory entry as getdents64 reports it. */
export interface RawDirEntry {
  readonly name: string;
  /** d_type: DT_DIR 4, DT_REG 8, DT_LNK 10, DT_UNKNOWN 0, … */
  readonly type: number;
}

const DIRENT_RECLEN = 16;
const DIRENT_TYPE = 18;
const DIRENT_NAME = 19;
let buffer: Buffer | undefined;

/**
 * A directory's entries in the kernel's order (what readdir() returns),
 * without `.` and `..`: open + getdents64 until it returns 0 + close.
 *
 * Why not fs.opendirSync: building its Dir object and stepping it entry by
 * entry costs ~3× this on a sysfs directory, and fs.readdirSync sorts the
 * names (libuv's scandir), which changes the order hosts see. Synchronous:
 * for procfs/sysfs and local directories, answered from memory.
 */
export function listDirectory(path: string): RawDirEntry[] {
  const getdents = libcFunction('intptr_t getdents64(int fd, _Out_ uint8_t *buf, size_t count)');
  const buf = (buffer ??= Buffer.allocUnsafe(32768));
  const fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);
  const out: RawDirEntry[] = [];
  try {
    for (;;) {
      const n = Number(getdents(fd, buf, buf.length) as number | bigint);
      if (n < 0) throw sysError(lastErrno(), 'getdents64', path);
      if (n === 0) return out;
      for (let off = 0; off < n;) {
        const reclen = buf.readUInt16LE(off + DIRENT_RECLEN);
        const end = buf.indexOf(0, off + DIRENT_NAME);
        const name = buf.toString('utf8', off + DIRENT_NAME, end < 0 || end > off + reclen ? off + reclen : end);
        if (name !== '.' && name !== '..') out.push({ name, type: buf[off + DIRENT_TYPE]! });
        off += reclen;
      }
    }
  } finally {
    closeSync(fd);
  }
}
