import type { JsonValue } from '../../json/json-value.js';
import { stringifyJson } from '../../json/stringify-json.js';

/** `key: value` lines for a flat object (osinfo, timezone); nested values as JSON. */
export function formatKeyValues(obj: Readonly<Record<string, JsonValue | undefined>>): string {
  return Object.entries(obj)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : stringifyJson(v as JsonValue)}\n`)
    .join('');
}
