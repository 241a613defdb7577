import 'reflect-metadata';
import t, { type Test } from 'tap';
import { createAgent, type AgentConfig } from '@qga/core';
import { MemoryTransport } from '@qga/core/testing';
import { mockBackend } from '@qga/backend-mock';
import { helloPlugin } from '../custom-agent/hello-plugin.js';

async function startAgent(t: Test, config: Partial<AgentConfig>) {
  const transport = new MemoryTransport();
  const agent = createAgent({ transport, backend: mockBackend(), plugins: [helloPlugin], config });
  await agent.start();
  t.teardown(() => agent.stop());
  return transport.connect();
}

const HELLO = '{"execute":"__com.example_hello"}';
const DISABLED =
  '{"error": {"class": "CommandNotFound", "desc": "Command __com.example_hello has been disabled: the command is not allowed"}}';

function helloInfo(line: string): unknown {
  const info = JSON.parse(line) as { return: { supported_commands: { name: string }[] } };
  return info.return.supported_commands.find((c) => c.name === '__com.example_hello');
}

t.test('a plugin command is listed in guest-info and validated like a built-in', async (t) => {
  const host = await startAgent(t, {});
  host.send(`{"execute":"guest-info"}${HELLO}{"execute":"__com.example_hello","arguments":{"nme":"x"}}`);
  const [info, hello, extra] = await host.lines(3);
  t.same(helloInfo(info!), { name: '__com.example_hello', enabled: true, 'success-response': true });
  t.match(hello, /^\{"return": \{"greeting": "Hello, world, from .+!"\}\}$/);
  t.equal(extra, '{"error": {"class": "GenericError", "desc": "Parameter \'nme\' is unexpected"}}');
});

t.test('the block list disables a plugin command', async (t) => {
  const host = await startAgent(t, { blockRpcs: ['__com.example_hello'] });
  host.send(`${HELLO}{"execute":"guest-info"}`);
  const [hello, info] = await host.lines(2);
  t.equal(hello, DISABLED);
  t.same(helloInfo(info!), { name: '__com.example_hello', enabled: false, 'success-response': true });
});

t.test('the allow list can admit only the plugin command', async (t) => {
  const host = await startAgent(t, { allowRpcs: ['__com.example_hello', 'guest-info'] });
  host.send(`${HELLO}{"execute":"guest-ping"}`);
  const [hello, ping] = await host.lines(2);
  t.match(hello, /"greeting"/);
  t.equal(ping, '{"error": {"class": "CommandNotFound", "desc": "Command guest-ping has been disabled: the command is not allowed"}}');
});

t.test('the frozen gate disables a plugin command until thaw', async (t) => {
  const host = await startAgent(t, {});
  host.send(`{"execute":"guest-fsfreeze-freeze"}${HELLO}{"execute":"guest-fsfreeze-status"}{"execute":"guest-fsfreeze-thaw"}${HELLO}`);
  const [frozen, hello, status, thawed, helloAgain] = await host.lines(5);
  t.match(frozen, /^\{"return": [1-9]\d*\}$/, 'the mock guest froze its filesystems');
  t.equal(hello, DISABLED);
  t.equal(status, '{"return": "frozen"}');
  t.match(thawed, /^\{"return": [1-9]\d*\}$/);
  t.match(helloAgain, /"greeting"/);
});
