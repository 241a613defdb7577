import type { Backend } from '@qga/core';
import type { AgentSettings } from '../config/agent-settings.js';

/**
 * `--backend linux|mock|windows` → the Backend. Throws with a printable
 * message (the windows backend refuses to run anywhere but Windows).
 * Building a backend touches nothing on the system; its ports act per command.
 * Each backend is imported only when chosen: the others' modules (their classes and
 * decorators) are never evaluated, which shortens the start before the channel opens.
 */
export async function selectBackend(settings: Pick<AgentSettings, 'backend' | 'excludeInterfaces'>): Promise<Backend> {
  switch (settings.backend) {
    case 'mock':
      return (await import('@qga/backend-mock')).mockBackend();
    case 'windows':
      return (await import('@qga/backend-windows')).windowsBackend();
    case 'linux':
      return (await import('@qga/backend-linux')).linuxBackend(
        settings.excludeInterfaces.length > 0 ? { inventory: { excludeInterfaces: settings.excludeInterfaces } } : {},
      );
  }
}
