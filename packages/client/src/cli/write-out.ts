import type { Writable } from 'node:stream';

/** Writes and waits until the data is handed to the OS (or the stream failed). */
export function writeOut(stream: Writable, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(data, (err) => (err ? reject(err) : resolve()));
  });
}
