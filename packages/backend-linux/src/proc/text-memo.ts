/**
 * The last parse of a text, kept while the text stays the same: hosts poll
 * the same procfs files every few seconds and most of them (routes, the
 * mount table, the interface list) rarely change. The file is still read on
 * every call; only an identical text reuses the parse, so nothing is stale.
 * Callers must not mutate what `get` returns (it is handed out again).
 */
export class TextMemo<T> {
  private key: string | undefined;
  private value: T | undefined;

  get(text: string, parse: (text: string) => T): T {
    if (this.key === text) return this.value as T;
    const value = parse(text);
    this.key = text;
    this.value = value;
    return value;
  }
}
