/**
 * The JSON streamer's security limits (docs/protocol.md#limits). They bound what one
 * request can make the agent allocate, and their numbers are part of the
 * wire contract: a client that stays under qemu-ga's limits must stay under ours.
 */

/** Largest token, and largest sum of token bytes in one message: 64 MiB. */
export const MAX_TOKEN_SIZE = 64 * 1024 * 1024;

/** Most tokens one message may have: 2 << 20. */
export const MAX_TOKEN_COUNT = 2 * 1024 * 1024;

/** Deepest nesting of `{` and `[` together: the 1025th open container fails. */
export const MAX_NESTING = 1024;

/** The error descs of the three limits (no "JSON parse error" prefix, as in qemu-ga). */
export const TOKEN_SIZE_LIMIT_DESC = 'JSON token size limit exceeded';
export const TOKEN_COUNT_LIMIT_DESC = 'JSON token count limit exceeded';
export const NESTING_LIMIT_DESC = 'JSON nesting depth limit exceeded';
