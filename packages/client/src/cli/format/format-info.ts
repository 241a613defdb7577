import type { GuestAgentInfo } from '../../types/guest-types.js';

/** Version plus one line per command, sorted by name. */
export function formatInfo(info: GuestAgentInfo): string {
  const commands = [...info.supported_commands].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const enabled = commands.filter((c) => c.enabled).length;
  const width = Math.max(0, ...commands.map((c) => c.name.length));
  const lines = [`version: ${info.version}`, `commands: ${commands.length} (${enabled} enabled)`];
  for (const c of commands) {
    const notes = [c.enabled ? 'enabled' : 'disabled', ...(c['success-response'] ? [] : ['no-success-response'])];
    lines.push(`  ${c.name.padEnd(width)}  ${notes.join('  ')}`);
  }
  return `${lines.join('\n')}\n`;
}
