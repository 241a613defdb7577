/**
 * A FIFO with O(1) removal from the front (Array#shift is O(n), which made
 * tens of thousands of pipelined requests quadratic).
 */
export class EntryQueue<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  at(index: number): T | undefined {
    return this.items[this.head + index];
  }

  push(...values: T[]): void {
    for (const v of values) this.items.push(v);
  }

  findIndex(predicate: (value: T) => boolean): number {
    for (let i = this.head; i < this.items.length; i++) if (predicate(this.items[i] as T)) return i - this.head;
    return -1;
  }

  /** Removes and returns the first `count` items. */
  takeFront(count: number): T[] {
    const n = Math.min(count, this.length);
    const out = this.items.slice(this.head, this.head + n) as T[];
    for (let i = this.head; i < this.head + n; i++) this.items[i] = undefined;
    this.head += n;
    this.compact();
    return out;
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const v = this.items[this.head];
    this.items[this.head++] = undefined;
    this.compact();
    return v;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
