import t from 'tap';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BUNDLE, ensureBundle, MAIN_JS, run, start, tempDir } from './helpers/run-qga.js';

// The TLS case runs through the bundle too: there node:tls is loaded only when a TLS listener is made.
ensureBundle();

/** Send raw text over TCP and collect reply lines until `count` lines or the close. */
async function exchange(port: number, text: string, count: number): Promise<string[]> {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let data = '';
  socket.on('data', (d: string) => (data += d));
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(text);
  for (let i = 0; i < 500 && data.split('\n').length <= count && !socket.destroyed; i++) await sleep(10);
  socket.destroy();
  return data.split('\n').filter((l) => l !== '');
}

/** The mock backend on a TCP listener at `address` (loopback, any port, unless said), then `more`. */
function tcpArgs(more: readonly string[], address = '127.0.0.1:0'): string[] {
  return ['--backend', 'mock', '-m', 'tcp-listen', '-p', address, ...more];
}

async function listeningPort(agent: ReturnType<typeof start>): Promise<number> {
  for (let i = 0; i < 1000; i++) {
    const m = /tcp-listen: listening on 127\.0\.0\.1:(\d+)/.exec(agent.output().stderr);
    if (m) return Number(m[1]);
    await sleep(10);
  }
  throw new Error(`agent did not listen: ${agent.output().stderr}`);
}

t.test('-m tcp-listen with a shared secret file', async (t) => {
  const dir = tempDir(t);
  const secretFile = join(dir, 'secret');
  writeFileSync(secretFile, 'correct horse battery staple\n');
  const agent = start(tcpArgs(['--shared-secret-file', secretFile, '-t', dir, '-v']));
  const port = await listeningPort(agent);
  t.same(await exchange(port, 'AUTH correct horse battery staple\n{"execute":"guest-ping"}\n', 1), ['{"return": {}}']);
  t.match((await exchange(port, 'AUTH wrong secret but long enough\n{"execute":"guest-ping"}\n', 1))[0], /authentication failed/);
  agent.child.kill('SIGTERM');
  t.equal((await agent.exited).code, 0);
});

t.test('tcp-listen refusals are startup errors (exit 1)', async (t) => {
  const dir = tempDir(t);
  const short = join(dir, 'short');
  writeFileSync(short, 'tiny\n');
  const tooShort = await run(tcpArgs(['--shared-secret-file', short, '-t', dir]));
  t.equal(tooShort.code, 1);
  t.match(tooShort.stderr, /shared secret must be at least \d+ bytes/);
  const open = await run(tcpArgs(['-t', dir], '0.0.0.0:0'));
  t.equal(open.code, 1);
  t.match(open.stderr, /refusing to listen on 0\.0\.0\.0:0 without authentication/);
  const missing = await run(tcpArgs(['--shared-secret-file', join(dir, 'none'), '-t', dir]));
  t.equal(missing.code, 1);
  t.match(missing.stderr, /cannot read shared-secret-file .*none: ENOENT/);
  const halfTls = await run(tcpArgs(['--tls-cert', short, '-t', dir]));
  t.equal(halfTls.code, 1);
  t.match(halfTls.stderr, /TLS needs all of tls-cert, tls-key and tls-ca/);
});

/** A throwaway CA, a server and a client certificate (EC P-256, one day). */
function makePki(dir: string): void {
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=qga test CA', '-days', '1');
  for (const name of ['server', 'client']) {
    ssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=qga test ${name}`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1');
  }
}

for (const [what, program] of [
  ['the program', MAIN_JS],
  ['the bundle', BUNDLE],
] as const) {
  t.test(
    `-m tcp-listen with mutual TLS from --tls-cert/--tls-key/--tls-ca (${what})`,
    { skip: !existsSync('/usr/bin/openssl') && 'openssl not installed' },
    async (t) => {
      const dir = tempDir(t);
      makePki(dir);
      const f = (name: string): string => join(dir, name);
      const agent = start(
        tcpArgs(['--tls-cert', f('server.pem'), '--tls-key', f('server.key'), '--tls-ca', f('ca.pem'), '-t', dir, '-v']),
        { program },
      );
      const port = await listeningPort(agent);
      const ask = (withClientCert: boolean): Promise<string> =>
        new Promise((resolve) => {
          let data = '';
          const socket = tlsConnect({
            port,
            host: '127.0.0.1',
            ca: readFileSync(f('ca.pem')),
            ...(withClientCert && { cert: readFileSync(f('client.pem')), key: readFileSync(f('client.key')) }),
            checkServerIdentity: () => undefined, // the test server certificate names no host
          });
          socket.setEncoding('utf8');
          socket.on('secureConnect', () => socket.write('{"execute":"guest-ping"}\n'));
          socket.on('data', (d: string) => {
            data += d;
            if (data.includes('\n')) socket.destroy();
          });
          socket.on('error', (e) => resolve(`error: ${e.message}`));
          socket.on('close', () => resolve(data));
        });
      t.equal(await ask(true), '{"return": {}}\n');
      t.notMatch(await ask(false), /return/, 'no client certificate, no answer');
      agent.child.kill('SIGTERM');
      t.equal((await agent.exited).code, 0);
    },
  );
}
