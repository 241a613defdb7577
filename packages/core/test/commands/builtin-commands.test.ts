import 'reflect-metadata';
import { Container } from 'inversify';
import t from 'tap';
import { DEFAULT_AGENT_CONFIG } from '../../src/agent/agent-config.js';
import { builtinCommands } from '../../src/commands/builtin-commands.js';
import type { Command } from '../../src/dispatch/command.js';
import { SCHEMA_COMMAND_ORDER } from '../../src/schema/command-order.js';
import { coreServicesModule } from '../../src/services/core-services-module.js';
import { TOKENS } from '../../src/tokens.js';

const LEAD_OWNED = ['guest-sync-delimited', 'guest-sync', 'guest-ping', 'guest-info'];

function instances(): Command[] {
  const c = new Container();
  c.bind(TOKENS.AgentConfig).toConstantValue(DEFAULT_AGENT_CONFIG);
  for (const token of Object.values(TOKENS)) if (!c.isBound(token)) c.bind(token).toConstantValue({});
  c.load(coreServicesModule);
  return builtinCommands.map((b) => {
    c.bind(b.command).toSelf();
    return c.get<Command>(b.command);
  });
}

t.test('40 commands, in schema order, without the four the dispatcher owns', async (t) => {
  const names = instances().map((c) => c.spec.name);
  t.same(
    names,
    SCHEMA_COMMAND_ORDER.filter((n) => !LEAD_OWNED.includes(n)),
  );
  t.equal(names.length, 40);
});

t.test('spec flags: success-response false and freeze-safe commands', async (t) => {
  const all = instances();
  t.same(
    all.filter((c) => c.spec.successResponse === false).map((c) => c.spec.name),
    ['guest-shutdown', 'guest-suspend-disk', 'guest-suspend-ram', 'guest-suspend-hybrid'],
  );
  t.same(
    all.filter((c) => c.spec.allowedWhileFrozen).map((c) => c.spec.name),
    ['guest-fsfreeze-status', 'guest-fsfreeze-thaw'],
  );
});

t.test('argument schemas in QAPI form, members in schema order', async (t) => {
  const byName = new Map(instances().map((c) => [c.spec.name, c.spec.args]));
  t.same(Object.keys(byName.get('guest-exec')!), ['path', '*arg', '*env', '*input-data', '*capture-output']);
  t.same(Object.keys(byName.get('guest-file-write')!), ['handle', 'buf-b64', '*count']);
  t.same(byName.get('guest-file-seek')!.whence, {
    kind: 'alternate',
    name: 'GuestFileWhence',
    branches: { int: 'int', str: { kind: 'enum', name: 'QGASeek', values: ['set', 'cur', 'end'] } },
  });
  t.same(byName.get('guest-set-memory-blocks')!['mem-blks'], {
    kind: 'list',
    of: { kind: 'struct', members: { 'phys-index': 'uint64', online: 'bool', '*can-offline': 'bool' } },
  });
  t.equal(byName.get('guest-get-time'), undefined, 'no arguments');
});

t.test('each entry requires exactly the port tokens its constructor injects', async (t) => {
  const portTokens = new Set(
    Object.entries(TOKENS)
      .filter(([k]) => k.endsWith('Port'))
      .map(([, v]) => v),
  );
  for (const entry of builtinCommands) {
    t.ok(entry.requires.length === 1 && portTokens.has(entry.requires[0] as symbol), entry.command.name);
  }
});
