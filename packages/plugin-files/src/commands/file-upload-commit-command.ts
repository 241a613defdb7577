import { inject, injectable } from 'inversify';
import { QgaError, type Command, intArg } from '@qga/core';
import { FILES_TOKENS } from '../tokens.js';
import type { Uploads } from '../uploads.js';

interface CommitArgs {
  handle: bigint;
  sha256: string;
  mode?: bigint;
  uid?: bigint;
  gid?: bigint;
}

/**
 * `__org.qga_file-upload-commit`: verifies the whole file's SHA-256, sets
 * mode/owner, fsyncs and renames it over the target (atomic replace).
 */
@injectable()
export class FileUploadCommitCommand implements Command<CommitArgs, { size: number; sha256: string }> {
  readonly spec = {
    name: '__org.qga_file-upload-commit',
    args: { handle: 'int', sha256: 'str', '*mode': 'int', '*uid': 'int', '*gid': 'int' },
  } as const;

  constructor(@inject(FILES_TOKENS.Uploads) private readonly uploads: Uploads) {}

  async run(args: CommitArgs): Promise<{ size: number; sha256: string }> {
    if (!/^[0-9a-fA-F]{64}$/.test(args.sha256)) throw new QgaError("Parameter 'sha256' expects 64 hex digits");
    const id = Number(args.handle);
    const upload = this.uploads.get(id);
    const ownership = {
      ...(args.mode !== undefined ? { mode: intArg('mode', args.mode, 0, 0o7777) } : {}),
      ...(args.uid !== undefined ? { uid: intArg('uid', args.uid, 0, 2 ** 32 - 2) } : {}),
      ...(args.gid !== undefined ? { gid: intArg('gid', args.gid, 0, 2 ** 32 - 2) } : {}),
    };
    try {
      const result = await upload.commit(args.sha256, ownership);
      this.uploads.forget(id);
      return result;
    } catch (e) {
      await this.uploads.drop(id, true);
      throw e;
    }
  }
}
