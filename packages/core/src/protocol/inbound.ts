import type { JsonValue } from './json-value.js';

/**
 * What the byte stream decodes to, one per message, in order:
 * - a parsed JSON value (not necessarily an object: the dispatcher answers
 *   non-objects with "QMP input must be a JSON object");
 *   `size` is its length in bytes on the wire (tokens only), for flow control;
 * - an error to send back as-is, as `{"error": {"class": "GenericError", "desc": desc}}`.
 */
export type Inbound =
  { readonly kind: 'request'; readonly value: JsonValue; readonly size?: number } | { readonly kind: 'error'; readonly desc: string };
