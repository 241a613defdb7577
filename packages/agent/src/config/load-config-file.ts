import { readFile } from 'node:fs/promises';
import { readAgentConfig, type AgentConfigFile } from './read-agent-config.js';
import type { ConfigLocation } from '../cli/parse-command-line.js';

/**
 * Read the config file (docs/agent.md#config-file): a missing `$QGA_CONF` or default file is
 * ignored, a missing `-c` file is fatal, any other read or parse error is
 * fatal, with qemu-ga's message shape.
 */
export async function loadConfigFile(location: ConfigLocation): Promise<AgentConfigFile | { error: string }> {
  let data: Buffer;
  try {
    data = await readFile(location.path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' && !location.required) return { settings: {}, warnings: [] };
    return { error: `error loading configuration from path: ${location.path}, ${describe(err)}` };
  }
  try {
    return readAgentConfig(data);
  } catch (e) {
    return { error: `error loading configuration from path: ${location.path}, ${e instanceof Error ? e.message : String(e)}` };
  }
}

function describe(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
      return 'Permission denied';
    case 'EISDIR':
      return 'Is a directory';
    default:
      return err.message;
  }
}
