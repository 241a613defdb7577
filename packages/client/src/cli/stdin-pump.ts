import type { Readable } from 'node:stream';

/**
 * Forwards a readable (the user's stdin) to `write` chunk by chunk, one write
 * at a time, then calls `end`. `stop()` detaches it (the program has exited):
 * the stream is destroyed so it no longer keeps the process alive.
 */
export function pumpStdin(stream: Readable, write: (b: Buffer) => Promise<unknown>, end: () => Promise<unknown>): { stop(): void } {
  let stopped = false;
  let chain: Promise<unknown> = Promise.resolve();
  const onData = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    stream.pause();
    chain = chain
      .then(() => (stopped ? undefined : write(bytes)))
      .catch(() => stop()) // the program closed its stdin or exited: nothing more to forward
      .finally(() => {
        if (!stopped) stream.resume();
      });
  };
  const onEnd = (): void => {
    chain = chain.then(() => (stopped ? undefined : end())).catch(() => {});
  };
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    stream.off('data', onData);
    stream.off('end', onEnd);
    stream.destroy();
  };
  stream.on('data', onData);
  stream.once('end', onEnd);
  stream.on('error', () => stop());
  return { stop };
}
