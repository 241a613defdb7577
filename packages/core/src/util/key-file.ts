/**
 * GKeyFile (Desktop Entry syntax), the format of qemu-ga.conf and of the
 * qga.state file, as GLib reads and writes it. The `ini` package will not do: it treats ';' as a comment,
 * and ';' is GKeyFile's list separator.
 *
 * Reading: `[group]` lines, `key=value` lines (blank around '=' ignored,
 * trailing blanks of the value kept), '#' comments, blank lines, CRLF.
 * A repeated key: the last one wins; a repeated group merges.
 */

export class KeyFileError extends Error {}

export interface KeyFile {
  /** group → key → raw (still escaped) value, in file order. */
  readonly groups: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

// eslint-disable-next-line no-control-regex -- a group name may hold no control character
const GROUP_LINE = /^\[([^[\]\x00-\x1f]+)\]\s*$/;

export function parseKeyFile(data: Uint8Array | string): KeyFile {
  let text: string;
  try {
    text = typeof data === 'string' ? data : new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new KeyFileError('Key file is not valid UTF-8');
  }
  const groups = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').replace(/^[ \t\v\f\r]+/, '');
    if (line === '' || line.startsWith('#')) return;
    const group = GROUP_LINE.exec(line);
    if (group) {
      const name = group[1] as string;
      current = groups.get(name) ?? new Map<string, string>();
      groups.set(name, current);
      return;
    }
    const eq = line.indexOf('=');
    const key = eq < 0 ? '' : line.slice(0, eq).replace(/[ \t]+$/, '');
    if (key === '' || /[[\]]/.test(key.replace(/\[[^[\]]*\]$/, ''))) {
      throw new KeyFileError(`line ${index + 1} ("${line}") is not a key-value pair, group, or comment`);
    }
    if (!current) throw new KeyFileError('Key file does not start with a group');
    current.set(key, line.slice(eq + 1).replace(/^[ \t\v\f\r]+/, ''));
  });
  return { groups };
}

const UNESCAPES: Record<string, string> = { s: ' ', n: '\n', t: '\t', r: '\r', '\\': '\\' };

/** A string value: `\s \n \t \r \\` decoded; any other escape is an error (as in GLib). */
export function keyFileString(raw: string, key: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = raw[++i];
    const decoded = next === undefined ? undefined : UNESCAPES[next];
    if (decoded === undefined) throw new KeyFileError(`key "${key}" has a value with an invalid escape sequence: ${raw}`);
    out += decoded;
  }
  return out;
}

/** A boolean value: `true`/`1` or `false`/`0` (trailing blanks allowed); anything else is an error. */
export function keyFileBoolean(raw: string, key: string): boolean {
  const value = raw.replace(/\s+$/, '');
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new KeyFileError(`key "${key}" must be true or false, not "${raw}"`);
}

/**
 * Encode a string value as GLib does: leading blanks as `\s`/`\t`, newline,
 * CR and backslash always escaped; everything else (inner blanks, tabs) raw.
 */
export function escapeKeyFileString(value: string): string {
  let out = '';
  let leading = true;
  for (const ch of value) {
    if (ch === ' ' && leading) out += '\\s';
    else if (ch === '\t' && leading) out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\\') out += '\\\\';
    else {
      leading = false;
      out += ch;
    }
  }
  return out;
}

/** A string, a boolean, or a string list (written as g_key_file_set_string_list does). */
export type KeyFileValue = string | boolean | readonly string[];

/**
 * A string list as GLib writes it: each item escaped like a string, its `;`
 * as `\;`, and followed by `;` (so `[a, b]` is `a;b;` and `[]` is empty).
 */
export function formatKeyFileList(items: readonly string[]): string {
  return items.map((item) => `${escapeKeyFileString(item).replace(/;/g, '\\;')};`).join('');
}

function formatValue(value: KeyFileValue): string {
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return escapeKeyFileString(value);
  return formatKeyFileList(value);
}

/** Serialize groups of key/values (strings escaped, booleans as true/false, lists `;`-terminated), GLib layout. */
export function formatKeyFile(groups: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, KeyFileValue]>]>): string {
  return groups
    .map(([name, entries]) => `[${name}]\n${entries.map(([key, value]) => `${key}=${formatValue(value)}\n`).join('')}`)
    .join('\n');
}
