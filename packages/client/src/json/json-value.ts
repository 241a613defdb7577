/**
 * A JSON value as the client sees it. Integers that do not fit a double exactly
 * (beyond ±2^53) are `bigint` so that guest-get-time, int64 sync ids and uint64
 * counters survive; every other number is a plain `number`.
 */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject;

/** A JSON object; `undefined` members are skipped when written. */
export interface JsonObject {
  [key: string]: JsonValue | undefined;
}
