import { UsageError } from './usage-error.js';

export interface SubcommandArgs {
  /** Repeated options collect every value; flags have the value "". */
  readonly options: Map<string, string[]>;
  readonly operands: string[];
}

/**
 * Splits a subcommand's arguments into its own options and operands.
 * `valueOptions` take a value (`--env K=V` or `--env=K=V`); everything after `--` is an operand.
 */
export function splitSubcommandArgs(
  args: readonly string[],
  valueOptions: readonly string[],
  flags: readonly string[],
  /** exec: the first operand (the program) ends option parsing. */
  stopAtFirstOperand = false,
): SubcommandArgs {
  const options = new Map<string, string[]>();
  const operands: string[] = [];
  const add = (k: string, v: string) => options.set(k, [...(options.get(k) ?? []), v]);
  for (let i = 0; i < args.length; i++) {
    const token = args[i] as string;
    if (token === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (!token.startsWith('--')) {
      if (token.startsWith('-') && token !== '-' && !/^-\d/.test(token)) throw new UsageError(`unknown option ${token}`);
      if (stopAtFirstOperand) {
        operands.push(...args.slice(i));
        break;
      }
      operands.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = eq > 0 ? token.slice(0, eq) : token;
    if (valueOptions.includes(name)) {
      const value = eq > 0 ? token.slice(eq + 1) : args[++i];
      if (value === undefined) throw new UsageError(`option ${name} needs a value`);
      add(name, value);
    } else if (flags.includes(name) && eq < 0) {
      add(name, '');
    } else {
      throw new UsageError(`unknown option ${token}`);
    }
  }
  return { options, operands };
}
