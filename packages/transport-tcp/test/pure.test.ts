import { createHash } from 'node:crypto';
import t from 'tap';
import { parseVsockAddress, VSOCK_CID_ANY } from '../src/index.js';
import { isLoopbackHost } from '../src/is-loopback-host.js';
import { authLineMatches, parseAuthLine, secretDigest } from '../src/shared-secret-auth.js';

t.test('isLoopbackHost', async (t) => {
  for (const h of ['127.0.0.1', '127.8.9.10', '::1', '[::1]', 'localhost', 'LOCALHOST', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])
    t.ok(isLoopbackHost(h), h);
  for (const h of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.com', '::ffff:10.0.0.1', '', '127.0.0.1.nip.io'])
    t.notOk(isLoopbackHost(h), h);
});

t.test('parseVsockAddress', async (t) => {
  t.same(parseVsockAddress('3:1234'), { cid: 3, port: 1234 });
  t.same(parseVsockAddress('vsock:2:5'), { cid: 2, port: 5 });
  t.same(parseVsockAddress('-1:7'), { cid: VSOCK_CID_ANY, port: 7 });
  t.same(parseVsockAddress('4294967295:4294967295'), { cid: 0xffffffff, port: 0xffffffff });
  for (const bad of ['', '3', '3:', ':3', '3:4:5', 'a:1', '1:b', '4294967296:1', '1:-2', '01:2', '1.5:2', ' 1 :2']) {
    t.throws(() => parseVsockAddress(bad), /invalid vsock address/, JSON.stringify(bad));
  }
});

t.test('auth line parsing and constant-time check', async (t) => {
  const expected = secretDigest(Buffer.from('s3cret-s3cret-s3cret'));
  t.same(parseAuthLine(Buffer.from('AUTH abc')), Buffer.from('abc'));
  t.same(parseAuthLine(Buffer.from('AUTH abc\r')), Buffer.from('abc'));
  t.equal(parseAuthLine(Buffer.from('auth abc')), undefined, 'keyword is case-sensitive');
  t.equal(parseAuthLine(Buffer.from('AUTH')), undefined);
  t.same(parseAuthLine(Buffer.from('AUTH ')), Buffer.alloc(0));
  t.ok(authLineMatches(Buffer.from('AUTH s3cret-s3cret-s3cret'), expected));
  t.notOk(authLineMatches(Buffer.from('AUTH s3cret-s3cret-s3cre'), expected));
  t.notOk(authLineMatches(Buffer.from('AUTH s3cret-s3cret-s3cret '), expected));
  t.notOk(authLineMatches(Buffer.from('{"execute":"guest-ping"}'), expected));
  t.notOk(authLineMatches(Buffer.from('AUTH'), secretDigest(Buffer.alloc(0))), 'a malformed line never matches, even an empty secret');
  t.same(secretDigest(Buffer.from('x')), createHash('sha256').update('x').digest());
});
