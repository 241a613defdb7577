import type { JsonValue } from '../../json/json-value.js';
import { stringifyJson } from '../../json/stringify-json.js';

/** --json output: one compact line; integers beyond 2^53 are printed exactly. */
export function formatJsonOutput(value: JsonValue): string {
  return `${stringifyJson(value)}\n`;
}
