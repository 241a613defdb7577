import 'reflect-metadata';
import t from 'tap';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { CommandRegistry } from '../../src/dispatch/command-registry.js';
import { FreezeState } from '../../src/services/freeze-state.js';
import { DEFAULT_AGENT_CONFIG, type AgentConfig } from '../../src/agent/agent-config.js';
import { QgaError } from '../../src/protocol/qga-error.js';
import type { Command } from '../../src/dispatch/command.js';
import type { JsonValue } from '../../src/protocol/json-value.js';
import type { Reply } from '../../src/dispatch/reply.js';

function cmd(name: string, run: Command['run'], extra: Partial<Command['spec']> = {}): Command {
  return { spec: { name, ...extra }, run };
}

function setup(config: Partial<AgentConfig> = {}, extraCommands: Command[] = []) {
  const freeze = new FreezeState();
  const commands = [
    cmd('guest-sync', (a: { id: bigint }) => a.id, { args: { id: 'int' }, allowedWhileFrozen: true }),
    cmd('guest-sync-delimited', (a: { id: bigint }, ctx) => (ctx.delimitReply(), a.id), { args: { id: 'int' } }),
    cmd('guest-ping', () => undefined, { allowedWhileFrozen: true }),
    cmd('guest-shutdown', () => undefined, { successResponse: false }),
    cmd('guest-fail', () => {
      throw new QgaError('it failed');
    }),
    cmd('guest-async', async () => ({ ok: true })),
    cmd('guest-bug', () => {
      throw new TypeError('oops');
    }),
    ...extraCommands,
  ];
  const registry = new CommandRegistry(commands, { ...DEFAULT_AGENT_CONFIG, ...config }, freeze, new Set());
  return { dispatcher: new Dispatcher(registry), freeze };
}

async function reply(d: Dispatcher, value: JsonValue): Promise<Reply | null> {
  return d.dispatch({ kind: 'request', value }, 1);
}

function o(entries: Record<string, JsonValue>): JsonValue {
  return Object.assign(Object.create(null) as Record<string, JsonValue>, entries);
}

t.test('envelope checks in qemu-ga order', async (t) => {
  const { dispatcher } = setup();
  t.same((await reply(dispatcher, [o({})]))?.body, { error: { class: 'GenericError', desc: 'QMP input must be a JSON object' } });
  t.same((await reply(dispatcher, o({ execute: 1n, id: 5n })))?.body, {
    error: { class: 'GenericError', desc: "QMP input member 'execute' must be a string" },
    id: 5n,
  });
  t.same((await reply(dispatcher, o({ execute: 'guest-ping', arguments: null })))?.body, {
    error: { class: 'GenericError', desc: "QMP input member 'arguments' must be an object" },
  });
  t.same((await reply(dispatcher, o({ 'exec-oob': 'guest-ping' })))?.body, {
    error: { class: 'GenericError', desc: "QMP input member 'exec-oob' is unexpected" },
  });
  t.same((await reply(dispatcher, o({ id: 1n })))?.body, {
    error: { class: 'GenericError', desc: "QMP input lacks member 'execute'" },
    id: 1n,
  });
  t.same((await reply(dispatcher, o({ execute: 'guest-nope' })))?.body, {
    error: { class: 'CommandNotFound', desc: 'The command guest-nope has not been found' },
  });
  t.same((await dispatcher.dispatch({ kind: 'error', desc: "JSON parse error, stray '+'" }, 1))?.body, {
    error: { class: 'GenericError', desc: "JSON parse error, stray '+'" },
  });
});

t.test('results, ids, delimiter and silence', async (t) => {
  const { dispatcher } = setup();
  const id = o({ any: [1n, 'two'] });
  t.same(await reply(dispatcher, o({ execute: 'guest-ping', id })), { body: { return: {}, id }, delimited: false });
  t.same(await reply(dispatcher, o({ execute: 'guest-sync-delimited', arguments: o({ id: 2n ** 62n }) })), {
    body: { return: 2n ** 62n },
    delimited: true,
  });
  t.same(
    await reply(dispatcher, o({ execute: 'guest-sync-delimited', arguments: o({}) })),
    { body: { error: { class: 'GenericError', desc: "Parameter 'id' is missing" } }, delimited: false },
    'no 0xFF when validation fails',
  );
  t.equal(await reply(dispatcher, o({ execute: 'guest-shutdown', id: 1n })), null, 'success-response false sends nothing');
  t.same((await reply(dispatcher, o({ execute: 'guest-fail', id: 'x' })))?.body, {
    error: { class: 'GenericError', desc: 'it failed' },
    id: 'x',
  });
  t.same((await reply(dispatcher, o({ execute: 'guest-async' })))?.body, { return: { ok: true } });
  t.same(
    (await reply(dispatcher, o({ execute: 'guest-bug' })))?.body,
    { error: { class: 'GenericError', desc: 'oops' } },
    'a crashing command becomes an error reply',
  );
  t.same((await reply(dispatcher, o({ execute: 'guest-ping', arguments: o({ foo: 42n }) })))?.body, {
    error: { class: 'GenericError', desc: "Parameter 'foo' is unexpected" },
  });
});

t.test('allow list, block list and frozen gate', async (t) => {
  const disabled = (name: string) => ({
    error: { class: 'CommandNotFound', desc: `Command ${name} has been disabled: the command is not allowed` },
  });
  {
    const { dispatcher } = setup({ blockRpcs: ['guest-ping'] });
    t.same((await reply(dispatcher, o({ execute: 'guest-ping' })))?.body, disabled('guest-ping'));
    t.same((await reply(dispatcher, o({ execute: 'guest-async' })))?.body, { return: { ok: true } });
  }
  {
    const { dispatcher } = setup({ allowRpcs: ['guest-ping'] });
    t.same((await reply(dispatcher, o({ execute: 'guest-ping' })))?.body, { return: {} });
    t.same((await reply(dispatcher, o({ execute: 'guest-async' })))?.body, disabled('guest-async'));
  }
  {
    const { dispatcher, freeze } = setup({ allowRpcs: ['guest-async'], blockRpcs: ['guest-sync'] });
    freeze.set(true);
    t.same((await reply(dispatcher, o({ execute: 'guest-async' })))?.body, disabled('guest-async'), 'frozen wins over allow');
    t.same((await reply(dispatcher, o({ execute: 'guest-ping' })))?.body, { return: {} }, 'freeze-safe works while frozen');
    t.same(
      (await reply(dispatcher, o({ execute: 'guest-sync', arguments: o({ id: 1n }) })))?.body,
      disabled('guest-sync'),
      'deviation: the block list still applies while frozen',
    );
    freeze.set(false);
    t.same((await reply(dispatcher, o({ execute: 'guest-async' })))?.body, { return: { ok: true } });
  }
});

t.test('registry refuses duplicate names', async (t) => {
  t.throws(() => setup({}, [cmd('guest-ping', () => undefined)]), /registered twice/);
});
