import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QgaClientError, type JsonObject, type QgaClient } from '@qga/client';
import { createFilesPlugin } from '../src/index.js';
import { servePlugin } from './helpers/serve-plugin.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const fail = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'no error',
    (e: unknown) => (e instanceof QgaClientError ? e.desc : String(e)),
  );

async function upload(c: QgaClient, path: string, data: Buffer, transfer: string, commit: JsonObject = {}): Promise<unknown> {
  const { handle } = await c.execute<{ handle: number; offset: number }>('__org.qga_file-upload-open', { path, transfer });
  await c.execute('__org.qga_file-upload-write', { handle, offset: 0, data: data.toString('base64') });
  return c.execute('__org.qga_file-upload-commit', { handle, sha256: sha(data), ...commit });
}

t.test('read by offset, checksum, stat', async (t) => {
  const { client, dir } = await servePlugin(t, createFilesPlugin());
  const data = randomBytes(100_000);
  const path = join(dir, 'f.bin');
  writeFileSync(path, data);
  const r = await client.execute<{ offset: number; count: number; data: string; eof: boolean; size: number }>('__org.qga_file-read', {
    path,
    offset: 99_000,
    count: 5000,
  });
  t.same(
    { ...r, data: Buffer.from(r.data, 'base64').equals(data.subarray(99_000)) },
    { offset: 99_000, count: 1000, data: true, eof: true, size: 100_000 },
  );
  t.same(await client.execute('__org.qga_file-checksum', { path }), { sha256: sha(data), size: 100_000 });
  const st = await client.execute<{ type: string; size: number }>('__org.qga_file-stat', { path });
  t.equal(st.type, 'file');
  t.equal(st.size, 100_000);
  const tooBig = await fail(client.execute('__org.qga_file-read', { path, count: 64 * 1024 * 1024 }));
  t.match(tooBig, /'count' expects a value in 0\.\.33554432/);
  t.match(await fail(client.execute('__org.qga_file-read', { path: dir })), /not a regular file/);
});

t.test('symlinks are never followed', async (t) => {
  const { client, dir } = await servePlugin(t, createFilesPlugin());
  const secret = join(dir, 'secret');
  writeFileSync(secret, 'secret');
  const link = join(dir, 'link');
  symlinkSync(secret, link);
  t.match(await fail(client.execute('__org.qga_file-read', { path: link })), /it is a symbolic link, which is never followed/);
  t.match(await fail(client.execute('__org.qga_file-checksum', { path: link })), /symbolic link/);
  t.equal((await client.execute<{ type: string }>('__org.qga_file-stat', { path: link })).type, 'symlink');
  // A link planted where the temp file of a transfer will be: refused, not written through.
  const target = join(dir, 'upload.txt');
  symlinkSync(secret, join(dir, '.upload.txt.transfer01.qga-part'));
  t.match(await fail(client.execute('__org.qga_file-upload-open', { path: target, transfer: 'transfer01' })), /symbolic link/);
  // Without resume the planted link is removed and the temp file created with O_EXCL.
  const { handle } = await client.execute<{ handle: number }>('__org.qga_file-upload-open', {
    path: target,
    transfer: 'transfer01',
    resume: false,
  });
  await client.execute('__org.qga_file-upload-abort', { handle });
  // A link at the destination is replaced by the file, its target untouched.
  await upload(client, link, Buffer.from('new'), 'transfer02');
  t.equal(readFileSync(secret, 'utf8'), 'secret');
  t.ok(lstatSync(link).isFile());
});

t.test('uploads: atomic, verified, resumable, mode and owner', async (t) => {
  const { client, dir } = await servePlugin(t, createFilesPlugin());
  const path = join(dir, 'target');
  writeFileSync(path, 'old');
  chmodSync(path, 0o640);
  const data = randomBytes(3 * 1024 * 1024 + 17);
  const open = () => client.execute<{ handle: number; offset: number }>('__org.qga_file-upload-open', { path, transfer: 'resumeme1' });
  const first = await open();
  t.equal(first.offset, 0);
  await client.execute('__org.qga_file-upload-write', {
    handle: first.handle,
    offset: 0,
    data: data.subarray(0, 1_000_000).toString('base64'),
  });
  t.equal(readFileSync(path, 'utf8'), 'old', 'the target is untouched while uploading');
  const temp = join(dir, '.target.resumeme1.qga-part');
  t.equal(statSync(temp).mode & 0o777, 0o600, 'the temp file is private');
  // The host went away; it opens the same transfer again and continues.
  const again = await open();
  t.equal(again.offset, 1_000_000, 'resume from what the temp file holds');
  t.match(
    await fail(client.execute('__org.qga_file-upload-write', { handle: first.handle, offset: 0, data: '' })),
    /no upload/,
    'the old handle is gone',
  );
  t.match(
    await fail(client.execute('__org.qga_file-upload-write', { handle: again.handle, offset: 2_000_000, data: 'AAAA' })),
    /leaves a hole/,
  );
  await client.execute('__org.qga_file-upload-write', {
    handle: again.handle,
    offset: 1_000_000,
    data: data.subarray(1_000_000).toString('base64'),
  });
  const bad = await fail(client.execute('__org.qga_file-upload-commit', { handle: again.handle, sha256: '0'.repeat(64) }));
  t.match(bad, /SHA-256 mismatch/);
  t.notOk(existsSync(temp), 'a failed verification removes the temp file');
  t.equal(readFileSync(path, 'utf8'), 'old', 'and leaves the target as it was');
  const done = await upload(client, path, data, 'resumeme2');
  t.same(done, { size: data.length, sha256: sha(data) });
  t.ok(readFileSync(path).equals(data));
  t.equal(statSync(path).mode & 0o7777, 0o640, "the replaced file's mode is kept");
  await upload(client, path, data, 'resumeme3', { mode: 0o604 });
  t.equal(statSync(path).mode & 0o7777, 0o604, 'an asked-for mode is set');
  const fresh = join(dir, 'fresh');
  await upload(client, fresh, Buffer.alloc(0), 'emptyfile1');
  t.equal(statSync(fresh).size, 0);
  t.equal(statSync(fresh).mode & 0o777, 0o644, 'a new file is 0644');
  if (process.getuid?.() === 0) {
    await upload(client, fresh, Buffer.from('x'), 'chownit01', { uid: 1234, gid: 4321 });
    t.same([statSync(fresh).uid, statSync(fresh).gid], [1234, 4321], 'owner set as asked (root only)');
  }
  mkdirSync(join(dir, 'd'));
  t.match(await fail(upload(client, join(dir, 'd'), Buffer.from('x'), 'dirtarget')), /is a directory/);
  t.match(await fail(client.execute('__org.qga_file-upload-open', { path, transfer: '../../x' })), /'transfer' expects/);
  t.same(
    readdirSync(dir).filter((n) => n.endsWith('.qga-part')),
    [],
    'no temp files left behind',
  );
});
