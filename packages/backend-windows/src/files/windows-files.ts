import { open } from 'node:fs/promises';
import { injectable } from 'inversify';
import { QgaError, type FilesPort, type FopenMode, type RawFile } from '@qga/core';
import { WindowsRawFile } from './windows-raw-file.js';

/** fopen modes → Node open flags. qemu-ga's Windows table has no `ab`, so it is refused there. */
const FLAGS: Partial<Record<FopenMode, string>> = {
  r: 'r',
  rb: 'r',
  w: 'w',
  wb: 'w',
  a: 'a',
  'r+': 'r+',
  'rb+': 'r+',
  'r+b': 'r+',
  'w+': 'w+',
  'wb+': 'w+',
  'w+b': 'w+',
  'a+': 'a+',
  'ab+': 'a+',
  'a+b': 'a+',
};

/** guest-file-* on Windows through Node's fs (CreateFileW underneath). */
@injectable()
export class WindowsFiles implements FilesPort {
  async open(path: string, mode: FopenMode): Promise<RawFile> {
    const flags = FLAGS[mode];
    if (flags === undefined) throw new QgaError('invalid file open mode');
    const fh = await open(path, flags);
    return new WindowsRawFile(fh, mode.startsWith('a'));
  }
}
