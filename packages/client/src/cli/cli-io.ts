import type { Readable, Writable } from 'node:stream';

/** The process surroundings the CLI touches, injectable for tests. */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
}
