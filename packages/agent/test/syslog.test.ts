import t from 'tap';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAuditLine, startSyslog } from '../src/service/syslog.js';
import { tempDir } from './helpers/run-qga.js';

t.test('audit lines are the "<command> called" ones', async (t) => {
  t.ok(isAuditLine('guest-exec called: "/bin/true"'));
  t.ok(isAuditLine('guest-file-open called, filepath: /etc/hostname, mode: r'));
  t.notOk(isAuditLine('listening on unix-listen:/x'));
  t.notOk(isAuditLine('session 3 failed: guest-exec called'));
});

t.test('no /dev/log: no syslog', async (t) => {
  t.equal(startSyslog(join(tempDir(t), 'no-such-log')), undefined);
});

t.test('audit lines reach a syslog socket, no logger(1) process', async (t) => {
  const dir = tempDir(t);
  const devLog = join(dir, 'log');
  // A stand-in for /dev/log: a unix datagram socket printing what it receives (Node cannot bind one).
  const server = spawn('python3', [
    '-u',
    '-c',
    'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint("ready")\nwhile True: print(s.recv(65536).decode())',
    devLog,
  ]);
  t.teardown(() => server.kill('SIGKILL'));
  let received = '';
  server.stdout.setEncoding('utf8').on('data', (s: string) => (received += s));
  for (let i = 0; i < 500 && !received.includes('ready'); i++) await sleep(10);
  const syslog = startSyslog(devLog);
  t.ok(syslog);
  syslog?.info('guest-exec called: "/bin/echo hi"');
  for (let i = 0; i < 500 && !received.includes('guest-exec'); i++) await sleep(10);
  syslog?.close();
  t.match(
    received,
    new RegExp(`<30>[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d qga\\[${process.pid}\\]: guest-exec called: "/bin/echo hi"`),
    'daemon.info (facility 3 * 8 + 6 = 30), tag qga[pid], as syslog(3) formats it',
  );
});
