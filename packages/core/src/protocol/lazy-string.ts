import type { JsonObject } from './json-value.js';

/** Members of parsed objects whose big plain string nobody has read as text yet: object → key → token bytes. */
const unread = new WeakMap<JsonObject, Map<string, readonly Buffer[]>>();

/**
 * Sets obj[key] to the string whose token bytes (quotes included) are `parts`,
 * without building it: reading the member builds it once (`text`). Until then
 * unreadStringBytes() hands out the bytes, so a base64 argument of a MiB is
 * decoded from the input chunks without ever becoming a JS string. To anything
 * else the member is an ordinary enumerable string.
 */
export function defineLazyString(obj: JsonObject, key: string, parts: readonly Buffer[], text: (parts: readonly Buffer[]) => string): void {
  let value: string | undefined;
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get(): string {
      if (value === undefined) {
        value = text(parts);
        unread.get(obj)?.delete(key);
      }
      return value;
    },
    set(v: unknown): void {
      unread.get(obj)?.delete(key);
      Object.defineProperty(obj, key, { value: v, writable: true, enumerable: true, configurable: true });
    },
  });
  let members = unread.get(obj);
  if (members === undefined) unread.set(obj, (members = new Map()));
  members.set(key, parts);
}

/** The token bytes of obj[key] (quotes included) while it is a lazy string not read as text yet. */
export function unreadStringBytes(obj: JsonObject, key: string): readonly Buffer[] | undefined {
  return unread.get(obj)?.get(key);
}
