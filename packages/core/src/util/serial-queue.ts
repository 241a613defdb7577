/**
 * Runs async jobs one at a time, in call order. Used where two requests
 * (or a request and a timer) must not interleave: freeze/thaw, state writes.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
