/**
 * The error texts, JSON dialect and request checks of docs/protocol.md: every
 * reachable row, byte-exact. Each case is sent on its own and followed by
 * 0xFF + guest-sync-delimited (see `exchange`), so the replies it caused are
 * delimited exactly and the reply to that 0xFF shows the lexer state the
 * case left behind.
 *
 * Not reachable on the agent (checked against qemu-ga 7.2 with every input
 * shape we could think of): `premature EOI` and `Missing value in dict`. The
 * streamer only hands tokens to the parser once the braces/brackets balance or
 * underflow, so the parser always finds a closing token to complain about
 * instead of running out of input.
 */
import t from 'tap';
import { forEachTarget, withAgent } from '../support/per-target.js';
import { bytes } from '../support/raw-client.js';
import { exchange } from '../support/session.js';
import { errorLine, EXPECTING_VALUE, NOT_AN_OBJECT, parseErrorLine, REPLACEMENT as FFFD, STRAY_FF, strayLine } from '../support/wire.js';
import { hasQemu } from '../support/expect.js';
import type { Target } from '../support/agents.js';

/** input (latin1: one char = one byte), the replies it must cause, optional reply to the trailing 0xFF. */
type Case = readonly [input: string, replies: readonly string[], what: string, flush?: string];

const PING_OK = '{"return": {}}';

const lexerCases: Case[] = [
  ['01\n', [strayLine('01')], 'leading zero'],
  ['-x\n', [strayLine('-x')], 'minus without digits'],
  ['+1\n', [strayLine('+')], 'no + sign: the token so far is just "+", the 1 is skipped in recovery'],
  ['TRUE\n', [strayLine('T')], 'upper-case word'],
  [
    '\xef\xbb\xbf{"execute":"guest-ping"}',
    [strayLine(FFFD), PING_OK],
    'UTF-8 BOM: one error for its first byte, the rest is skipped up to {',
  ],
  ['\x01\n', [strayLine('\u0001')], 'control character'],
  ['\x1b', [strayLine('\u001b')], 'ESC (the reset byte qmp-spec recommends) costs one error too'],
  ['\xfe', [strayLine(FFFD)], '0xFE'],
  ['\xff', [STRAY_FF], '0xFF'],
  ['\xff\xff', [STRAY_FF, STRAY_FF], 'each 0xFF costs its own error'],
  ['\x00', [strayLine('')], 'NUL: the token text is cut at the NUL (C string), so the desc shows nothing'],
  ['"ab\x00cd"', [strayLine('"ab')], 'NUL inside a string: token text cut at the NUL'],
  ['"ab\x1fc"', [strayLine('"ab\u001f')], 'raw control character inside a string'],
  ['{"a":"\x01"}', [strayLine('"\u0001'), EXPECTING_VALUE], 'control character in a string inside an object: recovery resumes at }'],
  ['12\x01', [NOT_AN_OBJECT, strayLine('\u0001')], 'a number is completed by the byte after it, even a bad one'],
  ['-\xff', [strayLine('-' + FFFD)], '0xFF mid-token: the partial token is in the desc'],
  ["'ab\xff", [strayLine("'ab" + FFFD)], '0xFF inside a single-quoted string'],
  ['"\\u00', [], 'an unfinished \\u escape waits for more', strayLine('"\\u00' + FFFD)],
  ['{"execute":"gu\xffest-ping"}', [strayLine('"gu' + FFFD), EXPECTING_VALUE], '0xFF inside a request drops it; recovery resumes at }'],
  ['{"execute":"guest-ping"\xff}', [STRAY_FF, EXPECTING_VALUE], '0xFF between tokens drops the partial request'],
  ['tru\xff', [parseErrorLine("invalid keyword 'tru'"), STRAY_FF], 'keyword cut by 0xFF'],
  ['{"a":-}', [strayLine('-}')], 'the offending byte is part of the token'],
  ['{"a":1.}', [strayLine('1.}')], 'float without fraction digits'],
  ['{"a":1e}', [strayLine('1e}')], 'exponent without digits'],
  ['{"a":.5}', [strayLine('.'), EXPECTING_VALUE], 'leading dot'],
  ['{"a":00}', [strayLine('00'), EXPECTING_VALUE], 'double zero'],
  ['@#$%^&*\n', [strayLine('@')], 'one error, then recovery skips to the newline'],
  ['{"execute":guest-ping}', [strayLine('-p'), EXPECTING_VALUE], 'unquoted name: "guest" lexes as a keyword, "-p" is the stray'],
  ['{"a":True}', [strayLine('T'), EXPECTING_VALUE], 'capitalised keyword'],
  ['{"execute":"guest-ping","id":Nul}', [strayLine('N'), EXPECTING_VALUE], 'capitalised null'],
  ['\t\r\n {"execute":"guest-ping"}', [PING_OK], 'tab, CR, LF, space are whitespace'],
  ['\x1b\r\n{"execute":"guest-ping"}', [strayLine('\u001b'), PING_OK], 'a newline after an error ends recovery silently'],
];

const parserCases: Case[] = [
  ['{"execute":"guest-ping",}', [EXPECTING_VALUE], 'trailing comma in object'],
  ['{1:2}', [parseErrorLine('key is not a string in object')], 'non-string key'],
  ['{"a" 1}', [parseErrorLine('missing : in object pair')], 'missing colon'],
  ['{"a"]', [parseErrorLine('missing : in object pair')], 'missing colon, ] underflows'],
  ['{"a":}', [EXPECTING_VALUE], 'missing value'],
  ['{"a":1,"a":2}', [parseErrorLine('duplicate key')], 'duplicate key'],
  ['{"execute":"guest-ping", "id": 1, "id": 2}', [parseErrorLine('duplicate key')], 'duplicate id'],
  ['{"a":1 "b":2}', [parseErrorLine('expected separator in dict')], 'missing comma in object'],
  ['{"a":1]', [parseErrorLine('expected separator in dict')], 'object closed by ]'],
  ['{"execute":"guest-ping" : }', [parseErrorLine('expected separator in dict')], 'stray colon'],
  ['[1 2]', [parseErrorLine('expected separator in list')], 'missing comma in list'],
  ['[1}', [parseErrorLine('expected separator in list')], 'list closed by }'],
  ['[,]', [EXPECTING_VALUE], 'leading comma in list'],
  ['{"a":[1,]}', [EXPECTING_VALUE], 'trailing comma in list'],
  ['[}', [EXPECTING_VALUE], '[}'],
  ['{]', [EXPECTING_VALUE], '{]'],
  [']', [EXPECTING_VALUE], 'stray ]'],
  ['}', [EXPECTING_VALUE], 'stray }'],
  [':', [EXPECTING_VALUE], 'stray :'],
  [',', [EXPECTING_VALUE], 'stray ,'],
  ['{"a":[}]', [EXPECTING_VALUE], 'mismatched nesting'],
  ['foo\n', [parseErrorLine("invalid keyword 'foo'")], 'unknown keyword'],
  ['{"a":foo}', [parseErrorLine("invalid keyword 'foo'")], 'unknown keyword as a value'],
  ['{"a":nul}', [parseErrorLine("invalid keyword 'nul'")], 'truncated null'],
  ['{"a":"\\x"}', [parseErrorLine('invalid escape sequence in string')], 'bad escape'],
  ['{"a":"\\uD800"}', [parseErrorLine('\\uD800 is not a valid Unicode character')], 'lone surrogate escape'],
  ['{"a":"\\uZZZZ"}', [parseErrorLine('\\uZZZZ is not a valid Unicode character')], 'non-hex \\u escape'],
  ['{"a":"\\uFFFF"}', [parseErrorLine('\\uFFFF is not a valid Unicode character')], 'non-character escape'],
  ['{"a":"\xc3\x28"}', [parseErrorLine('invalid UTF-8 sequence in string')], 'truncated UTF-8 sequence'],
  ['"\xed\xa0\x80"', [parseErrorLine('invalid UTF-8 sequence in string')], 'UTF-8-encoded surrogate'],
  ['"\xf4\x90\x80\x80"', [parseErrorLine('invalid UTF-8 sequence in string')], 'beyond U+10FFFF'],
  ['"\xef\xbf\xbf"', [parseErrorLine('invalid UTF-8 sequence in string')], 'raw U+FFFF (non-character)'],
  ['"\xe0\x80\xaf"', [parseErrorLine('invalid UTF-8 sequence in string')], 'overlong 3-byte sequence'],
  ['{"a":"\xc0\x80"}', [errorLine("QMP input member 'a' is unexpected")], 'overlong C0 80 = U+0000 is accepted (modified UTF-8)'],
  ['{"a":"\\\'"}', [errorLine("QMP input member 'a' is unexpected")], "\\' is accepted in double-quoted strings"],
  ["{'a\\'b':1}", [errorLine("QMP input member 'a'b' is unexpected")], "\\' in a single-quoted key"],
  ['{"a":\'"\'}', [errorLine("QMP input member 'a' is unexpected")], 'a raw " inside single quotes'],
  ['{"a":-0}', [errorLine("QMP input member 'a' is unexpected")], '-0 is a number'],
  ['{"a":1}}', [errorLine("QMP input member 'a' is unexpected"), EXPECTING_VALUE], 'extra } after a complete object'],
  ['{"a":1}]', [errorLine("QMP input member 'a' is unexpected"), EXPECTING_VALUE], 'extra ] after a complete object'],
];

const notObjectCases: Case[] = [
  ['[]', [NOT_AN_OBJECT], 'empty array'],
  ['[1]', [NOT_AN_OBJECT], 'array'],
  ['"x"', [NOT_AN_OBJECT], 'string (complete at its closing quote)'],
  ["'x'", [NOT_AN_OBJECT], 'single-quoted string'],
  ['"\\u0000"', [NOT_AN_OBJECT], 'string with \\u0000'],
  ['42 ', [NOT_AN_OBJECT], 'number followed by a space'],
  ['42\n', [NOT_AN_OBJECT], 'number followed by a newline'],
  ['true ', [NOT_AN_OBJECT], 'true'],
  ['null ', [NOT_AN_OBJECT], 'null'],
  ['1.5e3 ', [NOT_AN_OBJECT], 'float'],
  [
    '"a" "b" 1 [] {"execute":"guest-ping"}',
    [NOT_AN_OBJECT, NOT_AN_OBJECT, NOT_AN_OBJECT, NOT_AN_OBJECT, PING_OK],
    'every top-level value is its own message',
  ],
];

const envelopeCases: Case[] = [
  ['{"execute":1}', [errorLine("QMP input member 'execute' must be a string")], 'execute not a string'],
  ['{"execute":null}', [errorLine("QMP input member 'execute' must be a string")], 'execute null'],
  ['{"execute":["guest-ping"]}', [errorLine("QMP input member 'execute' must be a string")], 'execute array'],
  ['{"execute":"guest-ping","arguments":null}', [errorLine("QMP input member 'arguments' must be an object")], 'arguments null'],
  ['{"execute":"guest-ping","arguments":[]}', [errorLine("QMP input member 'arguments' must be an object")], 'arguments array'],
  ['{"execute":"guest-ping","arguments":"x"}', [errorLine("QMP input member 'arguments' must be an object")], 'arguments string'],
  [
    '{"execute":"guest-ping","id":1,"arguments":5}',
    [errorLine("QMP input member 'arguments' must be an object", 'GenericError', '1')],
    'with id: id first in the error reply',
  ],
  ['{"execute":"guest-ping","foo":1}', [errorLine("QMP input member 'foo' is unexpected")], 'unknown member'],
  [
    '{"execute":"guest-ping","exec-oob":"x"}',
    [errorLine("QMP input member 'exec-oob' is unexpected")],
    'exec-oob next to execute (OOB disabled)',
  ],
  ['{"exec-oob":1,"execute":"guest-ping"}', [errorLine("QMP input member 'exec-oob' is unexpected")], 'exec-oob first'],
  ['{"arguments":{}}', [errorLine("QMP input lacks member 'execute'")], 'no execute'],
  ['{}', [errorLine("QMP input lacks member 'execute'")], 'empty object'],
  ['{"id":7}', [errorLine("QMP input lacks member 'execute'", 'GenericError', '7')], 'only an id'],
  ['{"execute":1,"id":7}', [errorLine("QMP input member 'execute' must be a string", 'GenericError', '7')], 'id echoed on envelope errors'],
  ['{"execute":"nope","id":7}', [errorLine('The command nope has not been found', 'CommandNotFound', '7')], 'unknown command with id'],
  ['{"execute":""}', [errorLine('The command  has not been found', 'CommandNotFound')], 'empty command name'],
  // Members are checked in QDict hash order; the first failure wins (docs/protocol.md#request-checks step 3).
  [
    '{"arguments":null,"execute":1}',
    [errorLine("QMP input member 'execute' must be a string")],
    'hash order: execute is checked before arguments',
  ],
  ['{"execute":1,"foo":1}', [errorLine("QMP input member 'execute' must be a string")], 'hash order: execute before foo'],
  ['{"arguments":null,"foo":1}', [errorLine("QMP input member 'arguments' must be an object")], 'hash order: arguments before foo'],
  ['{"foo":1,"bar":2}', [errorLine("QMP input member 'bar' is unexpected")], 'hash order: bar before foo'],
  [
    '{"id":1,"foo":1,"arguments":[]}',
    [errorLine("QMP input member 'arguments' must be an object", 'GenericError', '1')],
    'hash order: arguments before foo, with id',
  ],
];

function argumentCases(target: Target): Case[] {
  const req = (cmd: string, args: string) => `{"execute":"${cmd}","arguments":${args}}`;
  const e = (desc: string) => [errorLine(desc)];
  const cases: Case[] = [
    [req('guest-sync', '{}'), e("Parameter 'id' is missing"), 'missing required'],
    [
      req('guest-sync', '{"id":"x","junk":1}'),
      e("Invalid parameter type for 'id', expected: integer"),
      'declared members are checked before extra ones',
    ],
    [req('guest-sync', '{"id":1,"junk":1}'), e("Parameter 'junk' is unexpected"), 'extra member'],
    [req('guest-ping', '{"foo":42}'), e("Parameter 'foo' is unexpected"), 'extra member for a command without arguments'],
    [req('guest-get-fsinfo', '{"a":1,"b":2}'), e("Parameter 'b' is unexpected"), 'the first extra member in hash order is reported'],
    [req('guest-get-fsinfo', '{}'), [], 'empty arguments are fine (reply checked elsewhere)'],
    [
      req('guest-file-open', '{"path":"x","mode":"r","extra":1,"more":2}'),
      e("Parameter 'more' is unexpected"),
      'extra members after valid ones',
    ],
    [req('guest-file-open', '{"mode":5}'), e("Parameter 'path' is missing"), 'schema order: path before mode'],
    [req('guest-sync', '{"id":1.0}'), e("Invalid parameter type for 'id', expected: integer"), 'float 1.0 for int'],
    [req('guest-sync', '{"id":1e3}'), e("Invalid parameter type for 'id', expected: integer"), 'float 1e3 for int'],
    [req('guest-sync', '{"id":9223372036854775808}'), e("Invalid parameter type for 'id', expected: integer"), 'INT64_MAX+1 for int'],
    [
      req('guest-file-read', '{"handle":-9223372036854775809}'),
      e("Invalid parameter type for 'handle', expected: integer"),
      'below INT64_MIN for int',
    ],
    [req('guest-sync', '{"id":null}'), e("Invalid parameter type for 'id', expected: integer"), 'null for int'],
    [req('guest-sync', '{"id":true}'), e("Invalid parameter type for 'id', expected: integer"), 'bool for int'],
    [req('guest-sync', '{"id":"1"}'), e("Invalid parameter type for 'id', expected: integer"), 'string for int'],
    [req('guest-sync', '{"id":[1]}'), e("Invalid parameter type for 'id', expected: integer"), 'array for int'],
    [req('guest-sync', '{"id":{}}'), e("Invalid parameter type for 'id', expected: integer"), 'object for int'],
    [req('guest-file-open', '{"path":1}'), e("Invalid parameter type for 'path', expected: string"), 'int for str'],
    [
      req('guest-file-open', '{"path":"x","mode":null}'),
      e("Invalid parameter type for 'mode', expected: string"),
      'null for an optional member',
    ],
    [
      req('guest-file-read', '{"handle":1,"count":null}'),
      e("Invalid parameter type for 'count', expected: integer"),
      'null for an optional int',
    ],
    [req('guest-file-read', '{"handle":1.5}'), e("Invalid parameter type for 'handle', expected: integer"), 'float for int'],
    [
      req('guest-set-user-password', '{"username":"qga-no-such-user","password":"eA==","crypted":"no"}'),
      e("Invalid parameter type for 'crypted', expected: boolean"),
      'string for bool',
    ],
    [
      req('guest-ssh-add-authorized-keys', '{"username":"qga-no-such-user","keys":["a"],"reset":null}'),
      e("Invalid parameter type for 'reset', expected: boolean"),
      'null for an optional bool',
    ],
    [req('guest-ssh-add-authorized-keys', '{"keys":["a"]}'), e("Parameter 'username' is missing"), 'missing first member'],
    [
      req('guest-ssh-add-authorized-keys', '{"username":"qga-no-such-user","keys":[1]}'),
      e("Invalid parameter type for 'keys[0]', expected: string"),
      'list item path',
    ],
    [
      req('guest-ssh-add-authorized-keys', '{"username":"qga-no-such-user","keys":"a"}'),
      e("Invalid parameter type for 'keys', expected: array"),
      'string for array',
    ],
    [req('guest-exec', '{"path":"true","arg":"x"}'), e("Invalid parameter type for 'arg', expected: array"), 'string for [str]'],
    [req('guest-exec', '{"path":"true","arg":[1]}'), e("Invalid parameter type for 'arg[0]', expected: string"), 'int in [str]'],
    [req('guest-exec', '{"path":"true","env":{}}'), e("Invalid parameter type for 'env', expected: array"), 'object for [str]'],
    [req('guest-set-vcpus', '{"vcpus":[{"logical-id":0}]}'), e("Parameter 'vcpus[0].online' is missing"), 'nested path (upstream example)'],
    [
      req('guest-set-vcpus', '{"vcpus":[{"logical-id":0,"online":"x"}]}'),
      e("Invalid parameter type for 'vcpus[0].online', expected: boolean"),
      'nested type error',
    ],
    [
      req('guest-set-vcpus', '{"vcpus":[{"online":true}]}'),
      e("Parameter 'vcpus[0].logical-id' is missing"),
      'nested missing, schema order',
    ],
    [
      req('guest-set-vcpus', '{"vcpus":[{"logical-id":0,"online":true},{"logical-id":"x","online":true}]}'),
      e("Invalid parameter type for 'vcpus[1].logical-id', expected: integer"),
      'second list item (nothing runs: validation first)',
    ],
    [req('guest-set-vcpus', '{"vcpus":{}}'), e("Invalid parameter type for 'vcpus', expected: array"), 'object for list'],
    [req('guest-set-vcpus', '{"vcpus":[1]}'), e("Invalid parameter type for 'vcpus[0]', expected: object"), 'int for struct'],
    [
      req('guest-set-vcpus', '{"vcpus":[{"logical-id":0,"online":true,"x":1}]}'),
      e("Parameter 'vcpus[0].x' is unexpected"),
      'nested extra member',
    ],
    [
      req('guest-set-memory-blocks', '{"mem-blks":[{"phys-index":"x","online":true}]}'),
      e("Parameter 'mem-blks[0].phys-index' expects uint64"),
      'string for uint64',
    ],
    [
      req('guest-set-memory-blocks', '{"mem-blks":[{"phys-index":1.5,"online":true}]}'),
      e("Parameter 'mem-blks[0].phys-index' expects uint64"),
      'float for uint64',
    ],
    [
      req('guest-set-memory-blocks', '{"mem-blks":[{"phys-index":true,"online":true}]}'),
      e("Parameter 'mem-blks[0].phys-index' expects uint64"),
      'bool for uint64',
    ],
    [req('guest-set-memory-blocks', '{"mem-blks":[]}'), ['{"return": []}'], 'empty list'],
    [
      req('guest-file-seek', '{"handle":1,"offset":0,"whence":true}'),
      e("Invalid parameter type for 'whence', expected: GuestFileWhence"),
      'alternate: bool matches no branch',
    ],
    [
      req('guest-file-seek', '{"handle":1,"offset":0,"whence":null}'),
      e("Invalid parameter type for 'whence', expected: GuestFileWhence"),
      'alternate: null matches no branch',
    ],
    [
      req('guest-file-seek', '{"handle":1,"offset":0,"whence":1.5}'),
      e("Invalid parameter type for 'whence', expected: integer"),
      'alternate: a float picks the integer branch, which rejects it',
    ],
    [
      req('guest-file-seek', '{"handle":1,"offset":0,"whence":"bogus"}'),
      e("Parameter 'whence' does not accept value 'bogus'"),
      'enum branch: unknown value',
    ],
    [req('guest-file-seek', '{"handle":1,"offset":0}'), e("Parameter 'whence' is missing"), 'missing alternate'],
    [
      req('guest-file-seek', '{"handle":1,"offset":0,"whence":7}'),
      e("handle '1' has not been found"),
      'validation passes, the command fails',
    ],
  ];
  // capture-output became an alternate (bool | GuestExecCaptureOutputMode) in 8.0.
  if (hasQemu(target, '8.0')) {
    cases.push(
      [
        req('guest-exec', '{"path":"true","capture-output":"bogus"}'),
        e("Parameter 'capture-output' does not accept value 'bogus'"),
        'alternate enum: unknown mode',
      ],
      [
        req('guest-exec', '{"path":"true","capture-output":1}'),
        e("Invalid parameter type for 'capture-output', expected: GuestExecCaptureOutput"),
        'alternate: int matches no branch',
      ],
      [
        req('guest-exec', '{"path":"true","capture-output":null}'),
        e("Invalid parameter type for 'capture-output', expected: GuestExecCaptureOutput"),
        'alternate: null matches no branch',
      ],
    );
  } else {
    cases.push(
      [
        req('guest-exec', '{"path":"true","capture-output":"bogus"}'),
        e("Invalid parameter type for 'capture-output', expected: boolean"),
        'before 8.0: plain bool',
      ],
      [
        req('guest-exec', '{"path":"true","capture-output":1}'),
        e("Invalid parameter type for 'capture-output', expected: boolean"),
        'before 8.0: plain bool',
      ],
    );
  }
  return cases;
}

forEachTarget(t, async (t, target) => {
  await withAgent(t, target, {}, async (agent) => {
    const c = await agent.connect();
    const run = async (name: string, cases: readonly Case[], checkRepliesOnly = false) => {
      await t.test(name, async (t) => {
        for (const [input, replies, what, flush] of cases) {
          const got = await exchange(c, bytes(input));
          const shown = JSON.stringify(input).slice(0, 80);
          if (checkRepliesOnly && replies.length === 0) {
            t.equal(got.replies.length, 1, `${what}: ${shown} → one reply`);
          } else {
            t.same(got.replies, replies, `${what}: ${shown}`);
          }
          t.equal(got.flush, flush ?? STRAY_FF, `${what}: leaves the lexer ${flush ? 'mid-token' : 'between tokens'}`);
        }
      });
    };
    await run('lexer errors: JSON parse error, stray …', lexerCases);
    await run('parser errors: JSON parse error, <detail>', parserCases);
    await run('QMP input must be a JSON object', notObjectCases);

    await t.test('a top-level scalar completes only on the next byte', async (t) => {
      await c.send('42');
      t.equal(await c.collectFor(300), '', 'no reply to "42" yet');
      await c.send('\n');
      t.equal(await c.readLine(), NOT_AN_OBJECT, 'the newline completes it');
    });

    await run('envelope checks (docs/protocol.md#request-checks)', envelopeCases);
    await run('argument validation (docs/protocol.md#argument-validation)', argumentCases(target), true);

    await t.test('uint64 members accept negative integers and wrap', async (t) => {
      // A memory block that cannot exist: the command only reports not-found.
      const got = await exchange(c, '{"execute":"guest-set-memory-blocks","arguments":{"mem-blks":[{"phys-index":-1,"online":true}]}}');
      t.equal(got.replies.length, 1, 'one reply');
      const reply = got.replies[0] ?? '';
      t.match(reply, /"phys-index": 18446744073709551615\b/, '-1 became 2^64-1');
      t.match(reply, /"response": "not-found"/, 'reported as not-found');
    });
  });
});
