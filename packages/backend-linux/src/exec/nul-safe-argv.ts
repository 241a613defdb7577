/** The script `sh` runs: rebuild each argument with printf '%b', then exec the program (same pid). */
const REBUILD = 'for a do shift; v=$(printf "%bx" "$a"); set -- "$@" "${v%x}"; done; exec "$@"';

/**
 * qemu-ga keeps strings in modified UTF-8, where U+0000 is the bytes C0 80, so
 * a guest-exec argument holding \u0000 reaches the program with those bytes.
 * Node cannot put them in argv (it encodes strings as UTF-8 and refuses NUL),
 * so such a request runs through `/bin/sh`, which rebuilds the arguments from
 * printf escapes and execs the program (busybox's sh does the same). The
 * program's argv[0] is then its resolved path. Undefined when no argument
 * holds a NUL: the normal spawn applies.
 */
export function nulSafeArgv(file: string, args: readonly string[]): { file: string; args: string[] } | undefined {
  if (!args.some((a) => a.includes('\0'))) return undefined;
  return { file: '/bin/sh', args: ['-c', REBUILD, 'sh', ...[file, ...args].map(printfEscaped)] };
}

/** `s` as printf '%b' reads it back: backslashes doubled, NUL as the octal bytes C0 80. */
function printfEscaped(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\0/g, '\\0300\\0200');
}
