import type { Backend } from '@qga/core';
import { linuxBackend } from '@qga/backend-linux';
import { mockBackend } from '@qga/backend-mock';
import { windowsBackend } from '@qga/backend-windows';
import type { AgentSettings } from '../config/agent-settings.js';

/**
 * `--backend linux|mock|windows` → the Backend. Throws with a printable
 * message (the windows backend refuses to run anywhere but Windows).
 * Building a backend touches nothing on the system; its ports act per command.
 */
export async function selectBackend(settings: Pick<AgentSettings, 'backend' | 'excludeInterfaces'>): Promise<Backend> {
  switch (settings.backend) {
    case 'mock':
      return mockBackend();
    case 'windows':
      return windowsBackend();
    case 'linux':
      return linuxBackend(settings.excludeInterfaces.length > 0 ? { inventory: { excludeInterfaces: settings.excludeInterfaces } } : {});
  }
}
