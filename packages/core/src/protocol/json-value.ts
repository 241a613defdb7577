/**
 * The agent's lossless JSON value model.
 *
 * Integer literals are kept as `bigint` so int64/uint64 values beyond 2^53
 * (guest-sync ids, guest-get-time, statistics) survive a round trip; numbers
 * with a fraction or exponent are doubles (`number`). Objects have a null
 * prototype so any key, `__proto__` included, is plain data.
 * On output, a `number` that is an integer prints as an integer (like C's %.17g).
 */
export type JsonValue = null | boolean | string | number | bigint | JsonValue[] | JsonObject;

/** A JSON object; integers are bigint where they may not fit a double. */
export interface JsonObject {
  [key: string]: JsonValue;
}

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const UINT64_MAX = 2n ** 64n - 1n;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function newJsonObject(): JsonObject {
  return Object.create(null) as JsonObject;
}
