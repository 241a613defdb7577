/**
 * The small part of GLib's GKeyFile the state file needs: `[group]`
 * headers, `key=value` lines (spaces around `=` ignored), `#` comments and
 * blank lines. Anything else is a parse error, as in GLib.
 */
export type KeyFileGroups = Map<string, Map<string, string>>;

export class KeyFileParseError extends Error {}

export function parseKeyFile(text: string): KeyFileGroups {
  const groups: KeyFileGroups = new Map();
  let current: Map<string, string> | undefined;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/\r$/, '');
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed.startsWith('[')) {
      const m = /^\[([^\][]+)\]\s*$/.exec(trimmed);
      if (!m) throw new KeyFileParseError(`invalid group header on line ${n + 1}`);
      current = groups.get(m[1]!) ?? new Map<string, string>();
      groups.set(m[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || line.slice(0, eq).trim() === '') throw new KeyFileParseError(`invalid line ${n + 1}`);
    if (current === undefined) throw new KeyFileParseError('key file does not start with a group');
    current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trimStart());
  }
  return groups;
}
