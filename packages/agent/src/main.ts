#!/usr/bin/env node
import './thread-pool.js';
import './young-generation.js';
import { runAgent } from './run-agent.js';

// process.exit: a virtio read parked in the libuv pool must not keep a stopped agent alive.
runAgent(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`qga: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
