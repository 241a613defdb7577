import { readFile } from 'node:fs/promises';
import t from 'tap';
import { errnoError, errnoNumber, errorCode, errorText, strerror } from '../../src/util/strerror.js';

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
  const dir = await readFile('/').catch((e: unknown) => e);
  t.equal(errorText(dir), 'Is a directory');
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
