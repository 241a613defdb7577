import { isSea } from 'node:sea';

/**
 * How to run this same program again (the `-d` daemon, the Windows service):
 * `node [execArgv] script` normally; the executable alone when it is a Node
 * single executable, where argv[1] repeats the executable's path and the
 * script is inside it.
 */
export function selfCommand(): { readonly program: string; readonly prefix: readonly string[]; readonly script: string | undefined } {
  if (isSea()) return { program: process.execPath, prefix: [], script: undefined };
  return { program: process.execPath, prefix: [...process.execArgv], script: process.argv[1] ?? '' };
}
