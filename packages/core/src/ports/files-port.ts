/** The fopen modes the agent accepts (docs/commands.md#file-handles); anything else is rejected by core. */
export const FOPEN_MODES = ['r', 'rb', 'w', 'wb', 'a', 'ab', 'r+', 'rb+', 'r+b', 'w+', 'wb+', 'w+b', 'a+', 'ab+', 'a+b'] as const;
/** One of FOPEN_MODES. */
export type FopenMode = (typeof FOPEN_MODES)[number];

/** `guest-file-seek`'s origin: 0 start, 1 current offset, 2 end (SEEK_SET, SEEK_CUR, SEEK_END). */
export type SeekWhence = 0 | 1 | 2;

/** What RawFile.read returns. */
export interface RawRead {
  /** The bytes read. */
  readonly data: Buffer;
  /** End of file was hit during this read. */
  readonly eof: boolean;
  /** Hands `data`'s buffer back to the backend for reuse; call once, when nothing reads `data` any more. */
  readonly recycle?: () => void;
}

/**
 * An open file with raw, unbuffered semantics. Core layers stdio behaviour
 * (sticky eof, reposition between read and write) on top, so backends only
 * move bytes. Errors are thrown as Node-style errors carrying `code` (errno name).
 */
export interface RawFile {
  /**
   * Windows semantics (qemu-ga's ReadFile): a guest-file-read makes one read,
   * and `eof` is reported only when it returned nothing. Default: fread loops.
   */
  readonly singleRead?: boolean;
  /**
   * Read up to `count` bytes; `eof` is true when end of file was hit during this call.
   * A backend that reads into reusable buffers returns `recycle`: the caller
   * calls it once it no longer uses `data` (never before, at most once).
   */
  read(count: number): Promise<RawRead>;
  /** Write all of `data` (append-mode files write at the end); returns bytes written. */
  write(data: Buffer): Promise<number>;
  /** lseek semantics; returns the new position. */
  seek(offset: bigint, whence: SeekWhence): Promise<bigint>;
  /** Push buffered writes to the OS. */
  flush(): Promise<void>;
  /** Close the handle; the file is not used again. */
  close(): Promise<void>;
}

/** Opens the files behind `guest-file-*` handles (core owns the handle table). */
export interface FilesPort {
  /** Open `path` with an fopen mode; never blocks on FIFOs (non-blocking open). */
  open(path: string, mode: FopenMode): Promise<RawFile>;
}
