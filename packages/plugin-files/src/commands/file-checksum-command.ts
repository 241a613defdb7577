import { injectable } from 'inversify';
import type { Command } from '@qga/core';
import { hashRange } from '../hash-file.js';
import { openRegularForRead } from '../open-regular.js';

/** `__org.qga_file-checksum`: the SHA-256 (hex) and size of a whole regular file. */
@injectable()
export class FileChecksumCommand implements Command<{ path: string }, { sha256: string; size: number }> {
  readonly spec = { name: '__org.qga_file-checksum', args: { path: 'str' } } as const;

  async run(args: { path: string }): Promise<{ sha256: string; size: number }> {
    const { handle, size } = await openRegularForRead(args.path);
    try {
      return { sha256: (await hashRange(handle, size)).digest('hex'), size };
    } finally {
      await handle.close();
    }
  }
}
