#!/usr/bin/env node
import { runCli } from './run-cli.js';

// A reader that quits early (qga-client cat X | head) must not produce a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
});

// No top-level await: the single executable runs this as a CommonJS bundle.
void runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}).then((status) => {
  process.exitCode = status;
});
