import type { Readable } from 'node:stream';
import { type Observable, ReplaySubject } from 'rxjs';
import { codePageDecoder } from './code-page.js';

/**
 * A child's output stream as UTF-8 chunks, transcoded from `codePage`.
 * Reading starts at once (Node discards unread output of an exited child);
 * chunks are replayed to the one consumer whenever it subscribes.
 */
export function outputObservable(stream: Readable, codePage: number): Observable<Uint8Array> {
  const decoder = codePageDecoder(codePage);
  const subject = new ReplaySubject<Uint8Array>();
  let done = false;
  const finish = (): void => {
    if (done) return;
    done = true;
    if (decoder) {
      const rest = decoder.decode(new Uint8Array(0), true);
      if (rest !== '') subject.next(Buffer.from(rest, 'utf8'));
    }
    subject.complete();
  };
  stream.on('data', (chunk: Buffer) => {
    if (!decoder) return subject.next(chunk);
    const text = decoder.decode(chunk);
    if (text !== '') subject.next(Buffer.from(text, 'utf8'));
  });
  stream.once('end', finish);
  stream.once('close', finish);
  // A reset from a dying child is just the end of its output.
  stream.on('error', finish);
  return subject.asObservable();
}
