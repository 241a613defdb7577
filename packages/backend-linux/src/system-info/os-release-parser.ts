import type { GuestOSInfo } from '@qga/core';

/**
 * Parse an os-release file the way qemu-ga does: the bytes must be UTF-8
 * (otherwise the file counts as unreadable → undefined), they are read as a
 * GKeyFile whose first group is a fake `[os-release]`, and only keys of that
 * group count. GKeyFile rules kept: `#` comments, blank lines, `[group]`
 * headers, key = text before the first `=` (trailing blanks trimmed), value =
 * text after it with leading blanks trimmed, one trailing CR dropped, the last
 * duplicate wins, text after a NUL byte is ignored.
 * Deviation: a line GKeyFile rejects (no `=`, empty key) makes qemu-ga drop the
 * whole file; here only that line is skipped.
 */
export function parseOsReleaseBytes(bytes: Uint8Array): Map<string, string> | undefined {
  const nul = bytes.indexOf(0);
  const body = nul >= 0 ? bytes.subarray(0, nul) : bytes;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return undefined;
  }
  return parseOsReleaseText(text);
}

const ASCII_SPACE = /^[ \t\n\v\f\r]+/;
const ASCII_SPACE_END = /[ \t\n\v\f\r]+$/;

export function parseOsReleaseText(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let group = 'os-release';
  for (let line of text.split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const start = line.replace(ASCII_SPACE, '');
    if (start === '' || start.startsWith('#')) continue;
    if (start.startsWith('[')) {
      const close = start.indexOf(']');
      if (close > 1) group = start.slice(1, close);
      continue;
    }
    const eq = start.indexOf('=');
    if (eq < 0) continue;
    const key = start.slice(0, eq).replace(ASCII_SPACE_END, '');
    if (key === '') continue;
    if (group === 'os-release') out.set(key, start.slice(eq + 1).replace(ASCII_SPACE, ''));
  }
  return out;
}

const SHELL_ESCAPABLE = new Set(['$', "'", '"', '\\', '`']);

/**
 * Unquote one value. Double quotes: up to the closing quote, with `\$ \' \" \\ \``
 * unescaped and any other backslash kept. Single quotes (fix of upstream's
 * bug, docs/upstream-bugs.md#os-release-single-quotes, which left them in place): literal text up to the closing
 * quote, as in the shell. Unquoted: cut at the first space, then at the first
 * `;`, as upstream. An unterminated quote takes the rest of the value
 * (upstream also appends leftover bytes of the raw string; we do not).
 */
export function unquoteOsReleaseValue(raw: string): string {
  const q = raw[0];
  if (q !== '"' && q !== "'") {
    let v = raw;
    const sp = v.indexOf(' ');
    if (sp >= 0) v = v.slice(0, sp);
    const semi = v.indexOf(';');
    if (semi >= 0) v = v.slice(0, semi);
    return v;
  }
  if (q === "'") {
    const end = raw.indexOf("'", 1);
    return end < 0 ? raw.slice(1) : raw.slice(1, end);
  }
  let out = '';
  for (let i = 1; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\') {
      const next = raw[i + 1];
      if (next !== undefined && SHELL_ESCAPABLE.has(next)) {
        out += next;
        i++;
        continue;
      }
      out += c;
      continue;
    }
    if (c === '"') break;
    out += c;
  }
  return out;
}

const FIELDS: ReadonlyArray<readonly [keyof GuestOSInfo, string]> = [
  ['id', 'ID'],
  ['name', 'NAME'],
  ['pretty-name', 'PRETTY_NAME'],
  ['version', 'VERSION'],
  ['version-id', 'VERSION_ID'],
  ['variant', 'VARIANT'],
  ['variant-id', 'VARIANT_ID'],
];

/** The os-release members of guest-get-osinfo; a missing key is omitted, an empty one is "". */
export function osReleaseFields(keys: ReadonlyMap<string, string>): GuestOSInfo {
  const info: GuestOSInfo = {};
  for (const [member, key] of FIELDS) {
    const raw = keys.get(key);
    if (raw !== undefined) info[member] = unquoteOsReleaseValue(raw);
  }
  return info;
}
