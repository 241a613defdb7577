import type { QgaErrorClass } from '../protocol/qga-error.js';
import type { JsonValue } from '../protocol/json-value.js';

/** A reply ready for the encoder; `delimited` puts a 0xFF byte before it. */
export interface Reply {
  readonly body: { return: unknown; id?: JsonValue } | { error: { class: QgaErrorClass; desc: string }; id?: JsonValue };
  readonly delimited: boolean;
}

export function errorReply(errorClass: QgaErrorClass, desc: string, id?: JsonValue): Reply {
  const body: { error: { class: QgaErrorClass; desc: string }; id?: JsonValue } = { error: { class: errorClass, desc } };
  if (id !== undefined) body.id = id;
  return { body, delimited: false };
}
