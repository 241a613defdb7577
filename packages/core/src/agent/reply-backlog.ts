/**
 * The bytes of encoded replies a session has produced but not yet handed to
 * the OS. The session stops starting requests while the backlog is above its
 * limit and starts again as the transport drains it, so a host that sends
 * requests but does not read replies costs at most the limit plus one reply.
 */
export class ReplyBacklog {
  private bytes = 0;
  private waiter: (() => void) | undefined;

  constructor(readonly limit: number) {}

  get size(): number {
    return this.bytes;
  }

  /** True while no new request should start. */
  get full(): boolean {
    return this.bytes > this.limit;
  }

  add(n: number): void {
    this.bytes += n;
  }

  remove(n: number): void {
    this.bytes = Math.max(0, this.bytes - n);
    if (this.waiter && !this.full) {
      const wake = this.waiter;
      this.waiter = undefined;
      wake();
    }
  }

  /** Run `wake` once the backlog is at or below the limit again (one waiter at a time). */
  onceOpen(wake: () => void): void {
    if (!this.full) wake();
    else this.waiter = wake;
  }
}
