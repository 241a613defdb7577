import t from 'tap';
import { JsonLexer } from '../../src/protocol/json-lexer.js';
import { MAX_TOKEN_SIZE } from '../../src/protocol/json-limits.js';
import { type JsonToken, TokenType } from '../../src/protocol/json-token.js';

const NAMES: Record<number, string> = {
  [TokenType.LCURLY]: '{',
  [TokenType.RCURLY]: '}',
  [TokenType.LSQUARE]: '[',
  [TokenType.RSQUARE]: ']',
  [TokenType.COLON]: ':',
  [TokenType.COMMA]: ',',
  [TokenType.STRING]: 'STR',
  [TokenType.INTEGER]: 'INT',
  [TokenType.FLOAT]: 'FLOAT',
  [TokenType.KEYWORD]: 'KW',
};

/** Token text; plain strings show their content in <>, others their raw bytes with quotes. */
function textOf(tok: JsonToken): string {
  if (tok.type === TokenType.STRING) {
    if (tok.text !== null) return `<${tok.text}>`;
    if (tok.parts === null) return '<dropped>';
    const raw = Buffer.concat(tok.parts).toString('latin1');
    return tok.plain ? `<${raw.slice(1, -1)}>` : raw;
  }
  return tok.text ?? '';
}

function describe(tok: JsonToken): string {
  const name = NAMES[tok.type]!;
  return tok.type <= TokenType.COMMA ? name : `${name} ${textOf(tok)}`;
}

/** Lexes latin1 strings (one char = one byte) fed as separate chunks; returns what the sink saw. */
function lex(...chunks: (string | Buffer)[]): string[] {
  const seen: string[] = [];
  const lexer = new JsonLexer({
    token: (tok) => seen.push(describe(tok)),
    error: (text, byte) => seen.push(`ERR ${text === null ? '(dropped)' : JSON.stringify(text.toString('latin1'))} 0x${byte.toString(16)}`),
    oversize: () => seen.push('OVERSIZE'),
  });
  for (const c of chunks) lexer.feed(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
  return seen;
}

/**
 * The same input fed whole and one byte per chunk. Chunking must not matter,
 * so a difference shows up as a failing comparison with the whole-chunk result.
 */
function lexBoth(input: string): string[] {
  const whole = lex(input);
  const bytewise = lex(...input.split(''));
  return JSON.stringify(whole) === JSON.stringify(bytewise) ? whole : ['CHUNKING CHANGED THE RESULT', ...bytewise];
}

t.test('structural tokens, whitespace, keywords', async (t) => {
  t.same(lexBoth(' {\t}\r[\n] : , '), ['{', '}', '[', ']', ':', ',']);
  t.same(lexBoth('true false null nope '), ['KW true', 'KW false', 'KW null', 'KW nope']);
  // Keywords (like numbers) need the byte after them: nothing is emitted yet.
  t.same(lex('true'), []);
  t.same(lex('true', ','), ['KW true', ',']);
  // Any [a-z]+ run is a keyword token; the parser decides what is valid.
  t.same(lexBoth('abc]'), ['KW abc', ']']);
});

t.test('numbers', async (t) => {
  t.same(lexBoth('0 -0 42 -42 1.5 -0.5 1e5 1E5 1e+5 1e-5 1.5E-3 '), [
    'INT 0',
    'INT -0',
    'INT 42',
    'INT -42',
    'FLOAT 1.5',
    'FLOAT -0.5',
    'FLOAT 1e5',
    'FLOAT 1E5',
    'FLOAT 1e+5',
    'FLOAT 1e-5',
    'FLOAT 1.5E-3',
  ]);
  t.same(lex('42'), [], 'a number completes only on the next byte');
  t.same(lexBoth('42}'), ['INT 42', '}']);
  // 0 cannot take an exponent: "0" ends, then "e" is a keyword and "5" a number.
  t.same(lexBoth('0e5 '), ['INT 0', 'KW e', 'INT 5']);
  t.same(lexBoth('1e5x '), ['FLOAT 1e5', 'KW x']);
  // Any byte ends a number by lookahead, even one that is an error itself.
  t.same(lexBoth('1\xc3 '), ['INT 1', 'ERR "\xc3" 0xc3']);
  t.same(lexBoth('7\xff'), ['INT 7', 'ERR "\xff" 0xff']);
});

t.test('number errors carry the partial token and the offending byte', async (t) => {
  t.same(lexBoth('01 '), ['ERR "01" 0x31']);
  t.same(lexBoth('-01 '), ['ERR "-01" 0x31']);
  t.same(lexBoth('-x '), ['ERR "-x" 0x78']);
  t.same(lexBoth('- '), ['ERR "- " 0x20']);
  t.same(lexBoth('+1 '), ['ERR "+" 0x2b']);
  t.same(lexBoth('1. '), ['ERR "1. " 0x20']);
  t.same(lexBoth('1.5e '), ['ERR "1.5e " 0x20']);
  t.same(lexBoth('1e+ '), ['ERR "1e+ " 0x20']);
});

t.test('bytes that cannot start a token', async (t) => {
  t.same(lexBoth('TRUE '), ['ERR "T" 0x54'], 'upper case');
  t.same(lexBoth('%d '), ['ERR "%" 0x25'], 'no interpolation for the agent');
  t.same(lexBoth('\x7f'), ['ERR "\x7f" 0x7f']);
  t.same(lexBoth('\x00'), ['ERR "\\u0000" 0x0']);
  t.same(lexBoth('\x1b'), ['ERR "\\u001b" 0x1b']);
  t.same(lexBoth('\xef\xbb\xbf{}'), ['ERR "\xef" 0xef', '{', '}'], 'a BOM is one error, then recovery');
  t.same(lexBoth('\xfe\xff'), ['ERR "\xfe" 0xfe', 'ERR "\xff" 0xff']);
});

t.test('strings', async (t) => {
  t.same(lexBoth('"abc" \'d"e\' "x\'y" \'\''), ['STR <abc>', 'STR <d"e>', "STR <x'y>", 'STR <>']);
  t.same(lexBoth('"a\\"b" \'a\\\'b\''), ['STR "a\\"b"', "STR 'a\\'b'"], 'escaped quotes');
  // Any non-control byte may follow a backslash; the parser judges the escape.
  t.same(lexBoth('"\\x\\u12\\\xc3\xa9"'), ['STR "\\x\\u12\\\xc3\xa9"']);
  t.same(lexBoth('"\xc3\xa9\x7f"'), ['STR "\xc3\xa9\x7f"'], 'bytes >= 0x80 make the string non-plain');
});

t.test('string errors', async (t) => {
  t.same(lexBoth('"a\tb" '), ['ERR "\\"a\\t" 0x9'], 'a raw tab inside a string');
  t.same(lexBoth('"a\nb"'), ['ERR "\\"a\\n" 0xa']);
  t.same(lexBoth('"a\x00b"'), ['ERR "\\"a\\u0000" 0x0']);
  t.same(lexBoth('"a\xfe'), ['ERR "\\"a\xfe" 0xfe']);
  t.same(lexBoth('"a\xff'), ['ERR "\\"a\xff" 0xff']);
  t.same(lexBoth('"\\\x01"'), ['ERR "\\"\\\\\\u0001" 0x1'], 'control character after a backslash');
  t.same(lexBoth('"\\\xff"'), ['ERR "\\"\\\\\xff" 0xff']);
  t.same(lexBoth("'a\x1f"), ['ERR "\'a\\u001f" 0x1f']);
});

t.test('recovery after an error', async (t) => {
  // Skips everything up to a structural character, which is then lexed.
  t.same(lexBoth('+1,"b":2}'), ['ERR "+" 0x2b', ',', 'STR <b>', ':', 'INT 2', '}']);
  // A quote is not a resynchronisation point.
  t.same(lexBoth('+abc"def{}'), ['ERR "+" 0x2b', '{', '}']);
  // Tab and bytes 0x20-0xFD are skipped; \n, \r and other control characters end recovery.
  t.same(lexBoth('+a\tb\x80c\xfd"x" y'), ['ERR "+" 0x2b']);
  t.same(lexBoth('+ab\n"x" '), ['ERR "+" 0x2b', 'STR <x>']);
  t.same(lexBoth('+ab\r"x" '), ['ERR "+" 0x2b', 'STR <x>']);
  t.same(lexBoth('+ab\x01"x" '), ['ERR "+" 0x2b', 'ERR "\\u0001" 0x1']);
  t.same(lexBoth('+ab\x7f[1]'), ['ERR "+" 0x2b', '[', 'INT 1', ']']);
  for (const c of '[]{}:,') t.same(lex(`+x${c}`), ['ERR "+" 0x2b', c], `recovery ends on ${c}`);
  // Each 0xFF/0xFE ends recovery and is an error of its own.
  t.same(lexBoth('"abc\xff\xff\xfe'), ['ERR "\\"abc\xff" 0xff', 'ERR "\xff" 0xff', 'ERR "\xfe" 0xfe']);
});

t.test('tokens spanning chunks keep their text', async (t) => {
  t.same(lex('"ab', 'cd', 'ef"'), ['STR <abcdef>'], 'strings spanning chunks are handed over as slices');
  t.same(lex('"', '"'), ['STR <>']);
  t.same(lex('12', '34', ' '), ['INT 1234']);
  t.same(lex('tr', 'ue', ' '), ['KW true']);
  t.same(lex('"a\\', '"b"'), ['STR "a\\"b"']);
  t.same(lex('"ab', 'c\x01'), ['ERR "\\"abc\\u0001" 0x1'], 'the error text spans chunks too');
});

t.test('the chunk is not copied but the token text is right even with odd alignments', async (t) => {
  const body = 'x'.repeat(1000) + '\xc3\xa9' + 'y'.repeat(1000);
  const src = Buffer.from(`  "${body}" `, 'latin1');
  for (const offset of [0, 1, 2, 3]) {
    const backing = Buffer.alloc(src.length + 8);
    src.copy(backing, offset);
    t.same(lex(backing.subarray(offset, offset + src.length)), [`STR "${body}"`], `offset ${offset}`);
  }
  // Special bytes at every position of a long run are found.
  for (const pos of [0, 1, 2, 3, 4, 15, 16, 17, 63, 64, 99]) {
    const s = 'a'.repeat(pos) + '\x05' + 'b'.repeat(100);
    t.same(lex(`"${s}"`)[0], `ERR ${JSON.stringify('"' + 'a'.repeat(pos) + '\x05')} 0x5`, `control char at ${pos}`);
    const h = 'a'.repeat(pos) + '\xfe' + 'b'.repeat(100);
    t.same(lex(`"\xc3\xa9${h}"`)[0], `ERR ${JSON.stringify('"\xc3\xa9' + 'a'.repeat(pos) + '\xfe')} 0xfe`, `0xFE at ${pos}`);
  }
});

t.test('token size limit: 64 MiB', async (t) => {
  const fill = Buffer.alloc(MAX_TOKEN_SIZE - 1, 0x61);
  const seen: string[] = [];
  const tokens: JsonToken[] = [];
  const lexer = new JsonLexer({
    token: (tok) => (tokens.push(tok), seen.push(NAMES[tok.type]!)),
    error: () => seen.push('ERR'),
    oversize: () => seen.push('OVERSIZE'),
  });
  lexer.feed(Buffer.from('"'));
  lexer.feed(fill); // the open string now has MAX_TOKEN_SIZE bytes
  t.same(seen, []);
  lexer.feed(Buffer.from('"'));
  t.same(seen, ['STR'], 'a closing quote as byte 67,108,865 completes the token (the streamer judges it)');
  t.equal(tokens[0]!.length, MAX_TOKEN_SIZE + 1);

  seen.length = 0;
  lexer.feed(Buffer.from('"'));
  lexer.feed(fill);
  lexer.feed(Buffer.from('a'));
  t.same(seen, ['OVERSIZE'], 'byte 67,108,865 of an open string is one too many');
  // We keep lexing the string (without its text) instead of restarting mid-string.
  lexer.feed(Buffer.from('bc{}[]"{'));
  t.same(seen, ['OVERSIZE', 'STR', '{']);
  t.equal(tokens[1]!.parts, null, 'the oversized token kept no text');
  t.equal(tokens[1]!.text, null);
  t.equal(tokens[1]!.length, MAX_TOKEN_SIZE + 8, 'its length still counts every byte');
});

t.test('token size limit on escapes, errors, keywords and numbers', async (t) => {
  const fill = Buffer.alloc(MAX_TOKEN_SIZE - 1, 0x61);
  t.same(lex('"', fill, '\\"'), ['OVERSIZE'], 'a backslash as byte 67,108,865 (the quote after it is escaped)');
  t.same(lex('"', fill, 'ab\xff'), ['OVERSIZE', 'ERR (dropped) 0xff'], 'an error inside a dropped token has no text');
  t.same(lex(fill, 'aa '), ['OVERSIZE', 'KW '], 'a keyword of 64 MiB + 1 bytes');
  const digits = Buffer.alloc(MAX_TOKEN_SIZE, 0x31);
  t.same(lex(digits, '1', '2 '), ['OVERSIZE', 'INT '], 'a number of 64 MiB + 2 bytes');

  // Exactly at the limit: no overflow.
  const texts: number[] = [];
  const lexer = new JsonLexer({
    token: (tok) => texts.push(tok.text!.length),
    error: (text) => texts.push(-text!.length),
    oversize: () => texts.push(0),
  });
  lexer.feed(fill);
  lexer.feed(Buffer.from('a '));
  t.same(texts, [MAX_TOKEN_SIZE], 'a keyword of exactly 64 MiB');
  lexer.feed(Buffer.from('"'));
  lexer.feed(fill);
  lexer.feed(Buffer.from('\x01'));
  t.same(texts, [MAX_TOKEN_SIZE, -(MAX_TOKEN_SIZE + 1)], 'an error as byte 67,108,865 is an error with the full text');
});

t.test('keepText off: tokens are lexed but carry no text', async (t) => {
  const seen: (string | null)[] = [];
  const lexer = new JsonLexer({
    token: (tok) => seen.push(tok.text ?? (tok.parts === null ? null : 'parts')),
    error: (text) => seen.push(text === null ? 'ERR null' : 'ERR text'),
    oversize: () => seen.push('OVERSIZE'),
  });
  lexer.keepText = false;
  lexer.feed(Buffer.from('"abc" 12 true "x\x01'));
  t.same(seen, [null, '', '', 'ERR null']);
});
