import 'reflect-metadata';
import t from 'tap';
import fc from 'fast-check';
import { NEVER } from 'rxjs';
import { createAgent } from '@qga/core';
import { JsonStreamDecoder, INTERNAL_TOKENS, type Dispatcher } from '@qga/core/internal';
import { mockBackend } from '../src/index.js';

/** Values a host could put anywhere in a request, well-formed for some command or not. */
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(
      null,
      true,
      false,
      0,
      -1,
      2 ** 53,
      'x',
      '',
      '/tmp/f',
      'set',
      'cur',
      'separated',
      'merged',
      'powerdown',
      'aGVsbG8=',
      '!!',
    ),
    fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }),
    fc.string({ maxLength: 8 }),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom(
        'id',
        'path',
        'handle',
        'count',
        'offset',
        'whence',
        'arg',
        'env',
        'mode',
        'time',
        'pid',
        'buf-b64',
        'username',
        'keys',
        'x',
      ),
      tie('v'),
      { maxKeys: 4 },
    ),
  ),
})).v;

/** JSON text with bigints as plain integers. */
function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `__BIG${x}__` : x)).replace(/"__BIG(-?\d+)__"/g, '$1');
}

t.test('no request crashes the dispatcher: every built-in command, arbitrary arguments, a reply ending in "\\n" or silence', async (t) => {
  const agent = createAgent({ transport: { description: 'none', sessions: () => NEVER }, backend: mockBackend() });
  const dispatcher = agent.container.get<Dispatcher>(INTERNAL_TOKENS.Dispatcher);
  const names = (await dispatcher.dispatch({ kind: 'request', value: JSON.parse('{"execute":"guest-info"}') }, 1)) as {
    body: { return: { supported_commands: Array<{ name: string }> } };
  };
  const commands = names.body.return.supported_commands.map((c) => c.name);
  t.ok(commands.length > 40, `${commands.length} commands`);
  let replies = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.record(
        { execute: fc.oneof(fc.constantFrom(...commands), fc.string({ maxLength: 6 }), fc.integer()), arguments: value, id: value },
        { requiredKeys: [] },
      ),
      async (request) => {
        for (const inbound of new JsonStreamDecoder().push(Buffer.from(toJson(request)))) {
          const reply = await dispatcher.respond(inbound, 1);
          if (reply === null) continue;
          replies++;
          const bytes = Buffer.isBuffer(reply) ? reply : Buffer.concat([...reply.slices()]);
          if (bytes.at(-1) !== 0x0a) return false;
          JSON.parse(bytes.toString('latin1').replace(/^\xff/, ''));
        }
        return true;
      },
    ),
    { numRuns: 1500 },
  );
  t.ok(replies > 1000, `${replies} replies, each one JSON line`);
  await agent.stop();
});
