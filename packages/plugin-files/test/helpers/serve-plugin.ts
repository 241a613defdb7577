import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerModule } from 'inversify';
import { createAgent, type AgentConfig } from '@qga/core';
import { mockBackend } from '@qga/backend-mock';
import { unixListenTransport } from '@qga/transport-tcp';
import { QgaClient } from '@qga/client';

export interface Served {
  readonly dir: string;
  readonly client: QgaClient;
}

/**
 * An embedded agent (as an embedder composes one) with this plugin, on a
 * unix socket in a temp dir, and a connected client; all undone at teardown.
 */
export async function servePlugin(
  t: { teardown(fn: () => void | Promise<void>): void },
  plugin: ContainerModule,
  config: Partial<AgentConfig> = {},
): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'qga-plugin-'));
  const path = join(dir, 'sock');
  const agent = createAgent({
    transport: unixListenTransport({ path }),
    backend: mockBackend(),
    plugins: [plugin],
    config: { stateDir: dir, ...config },
  });
  await agent.start(); // resolves once the socket listens
  const client = await QgaClient.connect(`unix:${path}`, { timeoutMs: 20_000 });
  t.teardown(async () => {
    await client.close();
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, client };
}
