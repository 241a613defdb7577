import { open } from 'node:fs/promises';
import type { FilesPort, FopenMode, RawFile } from '@qga/core';
import { injectable } from 'inversify';
import { fopenFlags, NEW_FILE_MODE } from './fopen-flags.js';
import { LinuxRawFile, type FileKind } from './linux-raw-file.js';
import { osPath } from './os-path.js';

/**
 * guest-file-open on Linux: one open(2) with the fopen mode's flags plus
 * O_NOCTTY|O_NONBLOCK|O_CLOEXEC. New files get 0666 minus the umask (upstream
 * forces 0666, docs/upstream-bugs.md#new-files-0666). Errors are Node errors carrying the errno `code`.
 */
@injectable()
export class LinuxFiles implements FilesPort {
  async open(path: string, mode: FopenMode): Promise<RawFile> {
    const flags = fopenFlags(mode);
    const fh = await open(osPath(path), flags, NEW_FILE_MODE);
    try {
      const st = await fh.stat();
      const kind: FileKind = st.isFile() || st.isDirectory() ? 'regular' : st.isBlockDevice() ? 'block' : 'stream';
      return new LinuxRawFile(fh, kind, mode.startsWith('a'), st.rdev);
    } catch (e) {
      await fh.close().catch(() => {});
      throw e;
    }
  }
}
