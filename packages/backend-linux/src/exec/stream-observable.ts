import type { Readable } from 'node:stream';
import { Observable, type Subscriber } from 'rxjs';

/**
 * A readable stream as an Observable of chunks that completes at EOF.
 *
 * Reading starts at once: Node resumes (and so discards) a child's stdout
 * that has no listener when the child exits, so a consumer that subscribes
 * after the exit would lose the output. Chunks that arrive before the first
 * subscription are kept and replayed to it. One subscriber: output is a
 * one-shot stream; a second subscription gets an error. Unsubscribing closes
 * our end (nobody will read it any more).
 */
export function streamObservable(stream: Readable): Observable<Uint8Array> {
  let early: Buffer[] = [];
  let finished: { error?: Error } | undefined;
  let sink: Subscriber<Uint8Array> | undefined;
  let taken = false;

  const finish = (error?: Error): void => {
    if (finished !== undefined) return;
    finished = error === undefined ? {} : { error };
    if (sink === undefined) return;
    if (error === undefined) sink.complete();
    else sink.error(error);
  };
  stream.on('data', (chunk: Buffer) => {
    if (sink !== undefined) sink.next(chunk);
    else early.push(chunk);
  });
  stream.once('end', () => finish());
  stream.once('close', () => finish());
  stream.on('error', (err: NodeJS.ErrnoException) => {
    // A reset from a dying child is just the end of its output.
    finish(err.code === 'ECONNRESET' || err.code === 'EPIPE' ? undefined : err);
  });
  stream.resume();

  return new Observable<Uint8Array>((subscriber) => {
    if (taken) {
      subscriber.error(new Error('output stream already consumed'));
      return;
    }
    taken = true;
    for (const chunk of early) subscriber.next(chunk);
    early = [];
    if (finished !== undefined) {
      if (finished.error === undefined) subscriber.complete();
      else subscriber.error(finished.error);
      return;
    }
    sink = subscriber;
    return () => {
      sink = undefined;
      if (finished === undefined) stream.destroy();
    };
  });
}
