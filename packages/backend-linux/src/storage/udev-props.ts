/** A sysfs `uevent` file: KEY=VALUE lines. */
export function parseUevent(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}

/** The properties (`E:KEY=VALUE` lines) of a udev database entry, /run/udev/data/b<major>:<minor>. */
export function parseUdevDb(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('E:')) continue;
    const eq = line.indexOf('=', 2);
    if (eq > 2) out.set(line.slice(2, eq), line.slice(eq + 1));
  }
  return out;
}

/** libudev's devnode: /dev/ + the kernel's DEVNAME (absolute names kept). */
export function devnodeFromUevent(uevent: ReadonlyMap<string, string>): string | undefined {
  const name = uevent.get('DEVNAME');
  if (name === undefined || name === '') return undefined;
  return name.startsWith('/') ? name : `/dev/${name}`;
}
