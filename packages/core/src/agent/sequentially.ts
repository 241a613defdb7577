import { Observable, type OperatorFunction } from 'rxjs';

function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}

/** Flow control around `sequentially`: when to hold back, and how to slow the source. */
export interface SequentialFlow<T> {
  /** While true no new value is projected; `onceOpen` tells when to go on. */
  readonly gate?: { readonly full: boolean; onceOpen(wake: () => void): void };
  /** Weight of a queued value (e.g. its size in bytes). */
  weigh?(value: T): number;
  /** Above this queued weight `pause` is called; `resume` once it is down to half. */
  readonly highWater?: number;
  pause?(): void;
  resume?(): void;
}

/**
 * Like concatMap for a function that returns a value or a promise: values
 * are projected one at a time, in order, and results are emitted in order.
 *
 * Written as an explicit loop because concatMap drains its buffer
 * recursively: after one slow (promise) step, tens of thousands of queued
 * synchronous steps would each add stack frames until the stack overflows,
 * which a burst of pipelined requests does trigger.
 *
 * With `flow`, nothing new is projected while the gate is full (the replies
 * already produced wait for the host), and the source is paused while the
 * queue of values waiting their turn weighs more than `highWater`.
 */
export function sequentially<T, R>(project: (value: T) => R | PromiseLike<R>, flow: SequentialFlow<T> = {}): OperatorFunction<T, R> {
  const weigh = flow.weigh ?? (() => 1);
  const highWater = flow.highWater ?? Infinity;
  return (source) =>
    new Observable<R>((subscriber) => {
      let queue: T[] = [];
      let head = 0;
      let busy = false;
      let sourceDone = false;
      let queued = 0;
      let paused = false;

      const dequeued = (value: T): void => {
        queued -= weigh(value);
        if (paused && queued <= highWater / 2) {
          paused = false;
          flow.resume?.();
        }
      };

      const pump = (): void => {
        if (busy) return;
        busy = true;
        while (head < queue.length && !subscriber.closed) {
          if (flow.gate?.full) {
            flow.gate.onceOpen(() => {
              busy = false;
              pump();
            });
            return;
          }
          const value = queue[head]!;
          queue[head++] = undefined as T; // let a large request be collected early
          dequeued(value);
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
          queued += weigh(value);
          if (!paused && queued > highWater) {
            paused = true;
            flow.pause?.();
          }
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
