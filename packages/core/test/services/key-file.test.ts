import t from 'tap';
import { escapeKeyFileString, formatKeyFile, keyFileBoolean, keyFileString, parseKeyFile, KeyFileError } from '../../src/util/key-file.js';

const group = (text: string, name = 'general'): Map<string, string> => new Map(parseKeyFile(text).groups.get(name));

t.test('groups, keys, comments, blanks, CRLF', async (t) => {
  const file = parseKeyFile('# top\n\n  [general]  \r\nmethod = unix-listen\r\n  # c\npath=/tmp/x sock  \n[other]\nx=1\n');
  t.same([...file.groups.keys()], ['general', 'other']);
  t.same(
    group('# top\n[general]\nmethod = unix-listen\r\npath=/tmp/x sock  \n'),
    new Map([
      ['method', 'unix-listen'],
      ['path', '/tmp/x sock  '],
    ]),
    'value keeps trailing blanks, loses leading ones',
  );
});

t.test('a repeated key: last wins; a repeated group merges', async (t) => {
  t.same(
    group('[general]\nlogfile=1\nlogfile=2\n[x]\n[general]\npath=p\n'),
    new Map([
      ['logfile', '2'],
      ['path', 'p'],
    ]),
  );
});

t.test('syntax errors', async (t) => {
  t.throws(() => parseKeyFile('x=1\n[general]\n'), new KeyFileError('Key file does not start with a group'));
  t.throws(() => parseKeyFile('[general]\ngarbage\n'), /line 2 \("garbage"\) is not a key-value pair, group, or comment/);
  t.throws(() => parseKeyFile('[general]\n=x\n'), /not a key-value pair/);
  t.throws(() => parseKeyFile('[general]\n; comment\n'), /not a key-value pair/, "';' is not a comment in GKeyFile");
  t.throws(() => parseKeyFile('[general\n'), /not a key-value pair/);
  t.throws(() => parseKeyFile(new Uint8Array([0x5b, 0x67, 0x5d, 0x0a, 0x61, 0x3d, 0xff, 0x0a])), /not valid UTF-8/);
});

t.test('a locale-suffixed key parses (and is then unknown)', async (t) => {
  t.same(group('[general]\nlogfile[de]=x\n'), new Map([['logfile[de]', 'x']]));
});

t.test('string escapes', async (t) => {
  t.equal(keyFileString('\\s\\sa b\\n\\tc\\r\\\\', 'k'), '  a b\n\tc\r\\');
  t.throws(() => keyFileString('\\x', 'statedir'), /key "statedir" has a value with an invalid escape sequence/);
  t.throws(() => keyFileString('x\\', 'k'), /invalid escape/);
  t.throws(() => keyFileString('a\\;b', 'k'), /invalid escape/, 'as GLib: \\; only in lists');
});

t.test('booleans: true/false/1/0, trailing blanks, nothing else', async (t) => {
  t.equal(keyFileBoolean('true', 'v'), true);
  t.equal(keyFileBoolean('1', 'v'), true);
  t.equal(keyFileBoolean('false  ', 'v'), false);
  t.equal(keyFileBoolean('0', 'v'), false);
  for (const bad of ['True', 'yes', '', ' true2']) t.throws(() => keyFileBoolean(bad, 'verbose'), /key "verbose" must be true or false/);
});

t.test('escaping on output matches GLib (observed with qemu-ga -D)', async (t) => {
  t.equal(escapeKeyFileString('  a b\n\tc\r'), '\\s\\sa b\\n\tc\\r', 'inner tab raw, leading blanks escaped');
  t.equal(escapeKeyFileString('\n\t x'), '\\n\\t\\sx', 'a newline does not end the leading part');
  t.equal(escapeKeyFileString('\t\t x  '), '\\t\\t\\sx  ', 'trailing blanks raw');
  t.equal(escapeKeyFileString('p\\q'), 'p\\\\q');
  t.equal(escapeKeyFileString(' b,a '), '\\sb,a ');
});

t.test('round trip', async (t) => {
  const values = ['  lead', 'in ner', 'tab\there', 'nl\nx', 'back\\slash', 'semi;colon', 'ünïcödé', '\r\n'];
  const text = formatKeyFile([['general', values.map((v, i) => [`k${i}`, v] as const)]]);
  const parsed = group(text);
  values.forEach((v, i) => t.equal(keyFileString(parsed.get(`k${i}`) as string, 'k'), v));
});

t.test('formatKeyFile layout', async (t) => {
  t.equal(
    formatKeyFile([
      [
        'general',
        [
          ['daemon', false],
          ['method', 'x'],
        ],
      ],
    ]),
    '[general]\ndaemon=false\nmethod=x\n',
  );
  t.equal(
    formatKeyFile([
      ['a', [['x', '1']]],
      ['b', []],
    ]),
    '[a]\nx=1\n\n[b]\n',
  );
});

t.test('string lists as g_key_file_set_string_list writes them: each item escaped, ; escaped, ; after each', async (t) => {
  t.equal(
    formatKeyFile([['general', [['block-rpcs', ['guest-ping', 'guest-get-time']]]]]),
    '[general]\nblock-rpcs=guest-ping;guest-get-time;\n',
  );
  t.equal(formatKeyFile([['general', [['l', []]]]]), '[general]\nl=\n', 'an empty list is an empty value');
  t.equal(
    formatKeyFile([['general', [['l', [' a', 'b;c', 'd\\e']]]]]),
    '[general]\nl=\\sa;b\\;c;d\\\\e;\n',
    'leading blank per item, separator and backslash escaped',
  );
});
