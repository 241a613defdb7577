/** The fields of a passwd entry the agent needs. */
export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/** Parse one `name:passwd:uid:gid:gecos:home:shell` line; undefined when malformed. */
export function parsePasswdLine(line: string): PasswdEntry | undefined {
  const f = line.replace(/\r?\n$/, '').split(':');
  if (f.length < 7 || f[0] === '') return undefined;
  const uid = Number(f[2]);
  const gid = Number(f[3]);
  if (!/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[3]!)) return undefined;
  return { name: f[0]!, uid, gid, home: f[5]! };
}

/** Find `name` in passwd-file text (for /etc/passwd when the native getpwnam is unavailable). */
export function findInPasswd(text: string, name: string): PasswdEntry | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('+') || line.startsWith('-') || line.startsWith('#')) continue; // NIS compat markers, comments
    const e = parsePasswdLine(line);
    if (e?.name === name) return e;
  }
  return undefined;
}
