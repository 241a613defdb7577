#!/usr/bin/env node
// A custom guest agent in a dozen lines: core + a unix-socket transport +
// the mock backend + one vendor command. Usage: node main.js [SOCKET_PATH]
import 'reflect-metadata';
import { createAgent, StreamLogger } from '@qga/core';
import { mockBackend } from '@qga/backend-mock';
import { unixListenTransport } from '@qga/transport-tcp';
import { helloPlugin } from './hello-plugin.js';

const path = process.argv[2] ?? './custom-agent.sock';

const agent = createAgent({
  // Announce readiness only once the socket file exists with its final mode.
  transport: unixListenTransport({ path, onListening: () => console.log(`custom agent listening on ${path}`) }),
  backend: mockBackend(),
  plugins: [helloPlugin],
  config: { blockRpcs: ['guest-exec'] },
  logger: new StreamLogger(process.stderr, { verbose: true }),
});

await agent.start();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void agent.stop().then(() => process.exit(0));
  });
}
