/**
 * A small getopt_long: qemu-ga's command line is parsed by glibc getopt_long,
 * and node:util parseArgs differs where it matters (`-F` takes an *attached*
 * optional argument, long options may be abbreviated to a unique prefix,
 * options and operands may be mixed, clusters like `-vdm unix-listen`).
 * Parsing stops at the first error, like getopt returning '?'.
 */

export type ArgKind = 'none' | 'required' | 'optional';

export interface OptionDef {
  /** Name reported to the caller (the long name). */
  readonly name: string;
  readonly short?: string;
  readonly arg: ArgKind;
}

export interface ParsedOption {
  readonly name: string;
  /** undefined for 'none', and for 'optional' when no argument was attached. */
  readonly value?: string;
}

export type GetoptResult =
  { readonly options: ParsedOption[]; readonly operands: string[] } | { readonly error: string; readonly options: ParsedOption[] };

export function getopt(argv: readonly string[], defs: readonly OptionDef[], program: string): GetoptResult {
  const byShort = new Map(defs.filter((d) => d.short).map((d) => [d.short as string, d]));
  const options: ParsedOption[] = [];
  const operands: string[] = [];
  const fail = (error: string): GetoptResult => ({ error: `${program}: ${error}`, options });

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const inline = eq < 0 ? undefined : arg.slice(eq + 1);
      const exact = defs.find((d) => d.name === name);
      const matches = exact ? [exact] : defs.filter((d) => d.name.startsWith(name));
      if (matches.length === 0) return fail(`unrecognized option '${arg}'`);
      if (matches.length > 1) {
        return fail(`option '--${name}' is ambiguous; possibilities: ${matches.map((d) => `'--${d.name}'`).join(' ')}`);
      }
      const def = matches[0] as OptionDef;
      if (def.arg === 'none') {
        if (inline !== undefined) return fail(`option '--${def.name}' doesn't allow an argument`);
        options.push({ name: def.name });
      } else if (inline !== undefined) {
        options.push({ name: def.name, value: inline });
      } else if (def.arg === 'optional') {
        options.push({ name: def.name });
      } else if (i + 1 < argv.length) {
        options.push({ name: def.name, value: argv[++i] as string });
      } else {
        return fail(`option '--${def.name}' requires an argument`);
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const ch = arg[j] as string;
        const def = byShort.get(ch);
        if (!def) return fail(`invalid option -- '${ch}'`);
        const rest = arg.slice(j + 1);
        if (def.arg === 'none') {
          options.push({ name: def.name });
          continue;
        }
        if (rest !== '') {
          options.push({ name: def.name, value: rest });
        } else if (def.arg === 'optional') {
          options.push({ name: def.name });
        } else if (i + 1 < argv.length) {
          options.push({ name: def.name, value: argv[++i] as string });
        } else {
          return fail(`option requires an argument -- '${ch}'`);
        }
        break;
      }
      continue;
    }
    operands.push(arg);
  }
  return { options, operands };
}
