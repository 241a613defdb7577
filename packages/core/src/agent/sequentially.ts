import { Observable, type OperatorFunction } from 'rxjs';

function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}

/**
 * Like concatMap for a function that returns a value or a promise: values
 * are projected one at a time, in order, and results are emitted in order.
 *
 * Written as an explicit loop because concatMap drains its buffer
 * recursively: after one slow (promise) step, tens of thousands of queued
 * synchronous steps would each add stack frames until the stack overflows,
 * which a burst of pipelined requests does trigger.
 */
export function sequentially<T, R>(project: (value: T) => R | PromiseLike<R>): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      let queue: T[] = [];
      let head = 0;
      let busy = false;
      let sourceDone = false;

      const pump = (): void => {
        if (busy) return;
        busy = true;
        while (head < queue.length && !subscriber.closed) {
          const value = queue[head]!;
          queue[head++] = undefined as T; // let a large request be collected early
          let result: R | PromiseLike<R>;
          try {
            result = project(value);
          } catch (e) {
            subscriber.error(e);
            return;
          }
          if (isPromiseLike<R>(result)) {
            result.then(
              (r) => {
                subscriber.next(r);
                busy = false;
                pump();
              },
              (e: unknown) => subscriber.error(e),
            );
            return;
          }
          subscriber.next(result);
        }
        queue = [];
        head = 0;
        busy = false;
        if (sourceDone) subscriber.complete();
      };

      const subscription = source.subscribe({
        next: (value) => {
          // Under sustained load the queue may never empty: drop its consumed prefix now and then.
          if (head > 4096 && head * 2 > queue.length) {
            queue = queue.slice(head);
            head = 0;
          }
          queue.push(value);
          pump();
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => {
          sourceDone = true;
          if (!busy) subscriber.complete();
        },
      });
      return () => {
        queue = [];
        subscription.unsubscribe();
      };
    });
}
