import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Test doubles for helper programs: shell scripts (builtins only, so they run
 * with a PATH that holds nothing but the doubles) that append their name and
 * arguments to a shared log, then do what the test asks.
 */
export class Doubles {
  readonly log: string;

  constructor(readonly root: string) {
    this.log = join(root, 'calls.log');
  }

  /** Write `<dir>/<name>`: logs `name [arg1][arg2]...`, then runs `body` (default: exit 0). */
  add(dir: string, name: string, body = 'exit 0'): string {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, name);
    writeFileSync(
      path,
      [
        '#!/bin/sh',
        `{ printf '%s' "\${0##*/}"; for a in "$@"; do printf ' [%s]' "$a"; done; printf '\\n'; } >> '${this.log}'`,
        body,
        '',
      ].join('\n'),
    );
    chmodSync(path, 0o755);
    return path;
  }

  /** The logged calls, one string per call. */
  calls(): string[] {
    if (!existsSync(this.log)) return [];
    return readFileSync(this.log, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  }
}
