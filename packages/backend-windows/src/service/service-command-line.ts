/**
 * The command line the service runs (pure): `"<node.exe>" "<script>" -d`
 * followed by the options given with `-s install` (without `-s` itself), each
 * quoted when it holds spaces or quotes (CommandLineToArgvW rules).
 */
export function serviceCommandLine(nodeExe: string, script: string | undefined, args: readonly string[]): string {
  const quote = (a: string): string =>
    a !== '' && !/[\s"]/.test(a) ? a : `"${a.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
  // No script: a single executable (qga.exe) runs itself.
  return [`"${nodeExe}"`, ...(script === undefined ? [] : [`"${script}"`]), '-d', ...args.map(quote)].join(' ');
}

/** argv without `-s CMD`, `-sCMD`, `--service CMD`, `--service=CMD` and `-d` (the service adds its own). */
export function withoutServiceOptions(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-s' || a === '--service') i++;
    else if (a.startsWith('--service=') || /^-s./.test(a) || a === '-d' || a === '--daemonize') continue;
    else out.push(a);
  }
  return out;
}
