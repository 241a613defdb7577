#!/usr/bin/env node
import './thread-pool.js';
import './young-generation.js';
import { exitNow } from '@qga/native-linux';
import { runAgent } from './run-agent.js';

/**
 * process.exit, then _exit(2) from the last 'exit' listener: a read parked in
 * the libuv pool (tty, virtio-serial with a host attached) would otherwise
 * hang the exit, where libuv joins its threads, until a SIGKILL.
 */
function exit(code: number): never {
  process.once('exit', () => void exitNow(code));
  process.exit(code);
}

runAgent(process.argv.slice(2)).then(
  (code) => exit(code),
  (e: unknown) => {
    process.stderr.write(`qga: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    exit(1);
  },
);
