import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import t from 'tap';
import {
  errnoCode,
  errnoError,
  errnoFromMessage,
  errnoNumber,
  errnoOf,
  errorCode,
  errorText,
  isEnoent,
  strerror,
} from '../../src/util/strerror.js';

t.test('glibc texts for common errno names', async (t) => {
  t.equal(strerror('ENOENT'), 'No such file or directory');
  t.equal(strerror('EACCES'), 'Permission denied');
  t.equal(strerror('EISDIR'), 'Is a directory');
  t.equal(strerror('ESPIPE'), 'Illegal seek');
  t.equal(strerror('EAGAIN'), 'Resource temporarily unavailable');
  t.equal(strerror('EBUSY'), 'Device or resource busy');
  t.equal(strerror('EOPNOTSUPP'), 'Operation not supported');
  t.equal(strerror('EIO'), 'Input/output error');
  t.equal(strerror('ENOTTY'), 'Inappropriate ioctl for device');
  t.equal(strerror('EXYZ'), 'EXYZ', 'unknown names pass through');
});

t.test('a real Node fs error becomes its strerror text', async (t) => {
  const err = await readFile('/nonexistent-dir/x').catch((e: unknown) => e);
  t.equal(errorCode(err), 'ENOENT');
  t.equal(errorText(err), 'No such file or directory');
  t.ok(isEnoent(err));
  const dir = await readFile('/').catch((e: unknown) => e);
  t.equal(errorText(dir), 'Is a directory');
  t.notOk(isEnoent(dir));
});

t.test('errno numbers and fallbacks', async (t) => {
  t.equal(errnoNumber('ENOENT'), 2);
  t.equal(errorCode({ errno: -13 }), 'EACCES', 'libuv negative errno');
  t.equal(errorText(new Error('plain')), 'plain');
  t.equal(errorText('str'), 'str');
  const e = errnoError('EROFS');
  t.equal(e.code, 'EROFS');
  t.equal(e.message, 'Read-only file system');
  t.equal(errorText(e), 'Read-only file system');
});

// From backend-linux's part-1 tests (its copy of the table now lives here).
t.test('strerror gives glibc texts', async (t) => {
  t.equal(strerror('ENOENT'), 'No such file or directory');
  t.equal(strerror('EOPNOTSUPP'), 'Operation not supported');
  t.equal(strerror('ENOTSUP'), 'Operation not supported');
  t.equal(strerror(-2), 'No such file or directory', 'negative libuv errno');
  t.equal(strerror(13), 'Permission denied');
  t.equal(strerror(0), 'Success');
  t.equal(strerror(9999), 'Unknown error 9999');
  t.equal(errnoCode(-95), errnoCode(95));
  t.equal(errnoFromMessage('Device or resource busy'), 'EBUSY');
  t.equal(errnoFromMessage('no such thing'), undefined);
});

// From backend-linux's part-2 tests (its copy of the table now lives here).
t.test('glibc strerror texts', async (t) => {
  t.equal(strerror(2), 'No such file or directory');
  t.equal(strerror(16), 'Device or resource busy');
  t.equal(strerror(95), 'Operation not supported');
  t.equal(strerror(9999), 'Unknown error 9999');
  t.equal(errnoOf({ code: 'EACCES' }), 13);
  t.equal(errnoOf({ errno: -5 }), 5);
  t.equal(errnoOf('nope'), undefined);
  t.equal(errorText(Object.assign(new Error('x'), { code: 'ENOTDIR' })), 'Not a directory');
  t.equal(errorText(new Error('plain')), 'plain');
});

t.test('Node-style errors name the syscall and path', async (t) => {
  const e = errnoError('ENOENT', 'open', '/x');
  t.equal(e.message, "ENOENT: No such file or directory, open '/x'");
  t.same([e.code, e.errno, e.syscall, e.path], ['ENOENT', -2, 'open', '/x']);
  const s = errnoError('ESPIPE', 'lseek');
  t.equal(s.message, 'ESPIPE: Illegal seek, lseek');
  t.same([s.syscall, 'path' in s], ['lseek', false]);
  t.equal(errorText(s), 'Illegal seek');
});

/** glibc's strerror(n) for n = 1..133, asked through python3's os.strerror; undefined without python3. */
function glibcTexts(): string[] | undefined {
  try {
    const script = 'import os\nfor n in range(1, 134): print(os.strerror(n))';
    return execFileSync('python3', ['-c', script], { encoding: 'utf8' }).split('\n').slice(0, 133);
  } catch {
    return undefined;
  }
}

const glibc = glibcTexts();
t.test(
  'every errno 1..133 has glibc’s own text, and each text maps back',
  { skip: glibc === undefined && 'python3 (to ask glibc) is not installed' },
  async (t) => {
    const wrong: string[] = [];
    glibc!.forEach((text, i) => {
      const n = i + 1;
      if (strerror(n) !== text) wrong.push(`${n}: ${strerror(n)} != ${text}`);
      const name = errnoCode(n);
      // 41 and 58 have no errno on Linux: glibc calls them unknown, and so do we.
      if (name !== undefined && (strerror(name) !== text || errnoNumber(errnoFromMessage(text) ?? '') !== n)) wrong.push(`${n}: ${name}`);
      if (name === undefined && text !== `Unknown error ${n}`) wrong.push(`${n}: no name`);
    });
    t.same(wrong, []);
    t.equal(errnoCode(126), 'ENOKEY', 'names Node does not know come from the table');
    t.equal(errnoOf({ errno: -126 }), 126);
    t.equal(errorText({ errno: -126 }), 'Required key not available');
  },
);
