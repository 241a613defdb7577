import { inject, injectable } from 'inversify';
import { qapi } from '../dispatch/arg-spec.js';
import type { Command, CommandSpec } from '../dispatch/command.js';
import { FOPEN_MODES, type FilesPort, type FopenMode, type SeekWhence } from '../ports/files-port.js';
import { QgaError, isQgaError } from '../protocol/qga-error.js';
import { Base64Bytes } from '../protocol/base64-bytes.js';
import type { GuestFileRead, GuestFileSeek, GuestFileWrite } from '../schema/guest-types.js';
import { FileHandles } from '../services/file-handles.js';
import { StdioFile } from '../services/stdio-file.js';
import { TOKENS } from '../tokens.js';
import { decodeBase64, type RawBase64 } from '../util/base64.js';
import { errorText } from '../util/strerror.js';

/** guest-file-read count limits (QGA_READ_COUNT_DEFAULT, GUEST_FILE_READ_COUNT_MAX). */
export const FILE_READ_COUNT_DEFAULT = 4096;
export const FILE_READ_COUNT_MAX = 48 * 1024 * 1024;

function invalidCount(count: bigint): QgaError {
  return new QgaError(`value '${count}' is invalid for argument count`);
}

export interface GuestFileOpenArgs {
  readonly path: string;
  readonly mode?: string;
}

@injectable()
export class GuestFileOpenCommand implements Command<GuestFileOpenArgs, bigint> {
  readonly spec: CommandSpec = { name: 'guest-file-open', args: { path: 'str', '*mode': 'str' } };

  constructor(
    @inject(TOKENS.FilesPort) private readonly files: FilesPort,
    @inject(FileHandles) private readonly handles: FileHandles,
  ) {}

  async run(args: GuestFileOpenArgs): Promise<bigint> {
    const mode = args.mode ?? 'r';
    if (!(FOPEN_MODES as readonly string[]).includes(mode)) throw new QgaError(`invalid file open mode '${mode}'`);
    let raw;
    try {
      raw = await this.files.open(args.path, mode as FopenMode);
    } catch (e) {
      if (isQgaError(e)) throw e;
      throw new QgaError(`failed to open file '${args.path}' (mode: '${mode}'): ${errorText(e)}`);
    }
    return this.handles.add(new StdioFile(raw));
  }
}

export interface GuestFileHandleArgs {
  readonly handle: bigint;
}

@injectable()
export class GuestFileCloseCommand implements Command<GuestFileHandleArgs, void> {
  readonly spec: CommandSpec = { name: 'guest-file-close', args: { handle: 'int' } };

  constructor(@inject(FileHandles) private readonly handles: FileHandles) {}

  async run(args: GuestFileHandleArgs): Promise<void> {
    await this.handles.close(args.handle);
  }
}

export interface GuestFileReadArgs {
  readonly handle: bigint;
  readonly count?: bigint;
}

@injectable()
export class GuestFileReadCommand implements Command<GuestFileReadArgs, GuestFileRead> {
  readonly spec: CommandSpec = { name: 'guest-file-read', args: { handle: 'int', '*count': 'int' } };

  constructor(@inject(FileHandles) private readonly handles: FileHandles) {}

  async run(args: GuestFileReadArgs): Promise<GuestFileRead> {
    const file = this.handles.get(args.handle);
    const count = args.count ?? BigInt(FILE_READ_COUNT_DEFAULT);
    if (count < 0n || count > BigInt(FILE_READ_COUNT_MAX)) throw invalidCount(count);
    const { data, eof, recycle } = await file.read(Number(count));
    return { count: data.length, 'buf-b64': new Base64Bytes(data, recycle), eof };
  }
}

export interface GuestFileWriteArgs {
  readonly handle: bigint;
  readonly 'buf-b64': string | RawBase64;
  readonly count?: bigint;
}

@injectable()
export class GuestFileWriteCommand implements Command<GuestFileWriteArgs, GuestFileWrite> {
  readonly spec: CommandSpec = {
    name: 'guest-file-write',
    args: { handle: 'int', 'buf-b64': 'base64', '*count': 'int' },
  };

  constructor(@inject(FileHandles) private readonly handles: FileHandles) {}

  async run(args: GuestFileWriteArgs): Promise<GuestFileWrite> {
    const file = this.handles.get(args.handle);
    // Same order as qemu-ga: reposition after a read, then decode, then check count.
    await file.prepareWrite();
    const data = decodeBase64(args['buf-b64']);
    const count = args.count ?? BigInt(data.length);
    if (count < 0n || count > BigInt(data.length)) throw invalidCount(count);
    const n = Number(count);
    return file.write(n === data.length ? data : data.subarray(0, n));
  }
}

export interface GuestFileSeekArgs {
  readonly handle: bigint;
  readonly offset: bigint;
  /** GuestFileWhence: an integer 0/1/2 or a QGASeek name. */
  readonly whence: bigint | 'set' | 'cur' | 'end';
}

const SEEK_NAMES: Readonly<Record<string, SeekWhence>> = { set: 0, cur: 1, end: 2 };

@injectable()
export class GuestFileSeekCommand implements Command<GuestFileSeekArgs, GuestFileSeek> {
  readonly spec: CommandSpec = {
    name: 'guest-file-seek',
    args: {
      handle: 'int',
      offset: 'int',
      whence: qapi.alternate('GuestFileWhence', { int: 'int', str: qapi.enum('QGASeek', ['set', 'cur', 'end']) }),
    },
  };

  constructor(@inject(FileHandles) private readonly handles: FileHandles) {}

  async run(args: GuestFileSeekArgs): Promise<GuestFileSeek> {
    const file = this.handles.get(args.handle);
    let whence: SeekWhence;
    if (typeof args.whence === 'bigint') {
      if (args.whence !== 0n && args.whence !== 1n && args.whence !== 2n) {
        throw new QgaError(`invalid whence code ${args.whence}`);
      }
      whence = Number(args.whence) as SeekWhence;
    } else {
      whence = SEEK_NAMES[args.whence]!;
    }
    return file.seek(args.offset, whence);
  }
}

@injectable()
export class GuestFileFlushCommand implements Command<GuestFileHandleArgs, void> {
  readonly spec: CommandSpec = { name: 'guest-file-flush', args: { handle: 'int' } };

  constructor(@inject(FileHandles) private readonly handles: FileHandles) {}

  async run(args: GuestFileHandleArgs): Promise<void> {
    await this.handles.get(args.handle).flush();
  }
}
