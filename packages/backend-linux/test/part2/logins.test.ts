import 'reflect-metadata';
import t from 'tap';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  LinuxLogins,
  parseSessionFile,
  parseUtmp,
  usersFromSessions,
  usersFromUtmp,
  UTMP_RECORD_SIZE,
  type LogindSession,
} from '../../src/logins/index.js';
import { fixture, fixtureConfig, readFixture, readFixtureBytes, scratch } from './fixtures.js';

const SESSIONS = ['2', '5', '14', 'c1', '20', '21', '22'];

t.test('utmp records (glibc struct utmp, 384 bytes)', async (t) => {
  const bytes = await readFixtureBytes('desktop/utmp');
  t.equal(bytes.length % UTMP_RECORD_SIZE, 0);
  const recs = parseUtmp(bytes);
  t.equal(recs.length, 8);
  t.same(recs[3], { type: 7, pid: 2211, line: 'tty2', user: 'alice', host: '', tvSec: 1732604504, tvUsec: 530114 });
  t.equal(recs[6]!.host, '2001:db8::44');
  t.equal(recs[7]!.user, 'averyveryveryverylongusername_32', 'a 32-byte name stops at the field (qemu-ga reads into ut_host)');
  t.same(parseUtmp(bytes.subarray(0, 500)).length, 1, 'a trailing partial record is ignored');
});

t.test('guest-get-users from utmp: unique USER_PROCESS users, earliest login', async (t) => {
  const users = usersFromUtmp(parseUtmp(await readFixtureBytes('desktop/utmp')));
  t.same(users, [
    { user: 'alice', 'login-time': 1732604398.25 },
    { user: 'bob', 'login-time': 1732613400.75 },
    { user: 'averyveryveryverylongusername_32', 'login-time': 1732614300.000001 },
  ]);
});

t.test('logind session files (what sd-login reads)', async (t) => {
  const s5 = parseSessionFile('5', await readFixture('desktop/run/systemd/sessions/5'));
  t.same(s5, { id: '5', user: 'alice', class: 'user', state: 'online', type: 'tty', realtimeUs: 1732604398250000 });
  t.equal(parseSessionFile('x', '# comment\nUID=0\n'), undefined, 'no USER: not a session');
  t.equal(parseSessionFile('y', 'USER=a\nREALTIME=zz\n')?.realtimeUs, undefined);
});

t.test('guest-get-users from logind sessions', async (t) => {
  const sessions = await Promise.all(
    SESSIONS.map(async (id) => parseSessionFile(id, await readFixture('desktop/run/systemd/sessions', id))!),
  );
  t.same(
    usersFromSessions(sessions),
    [
      { user: 'alice', 'login-time': 1732604398.25 },
      { user: 'bob', 'login-time': 1732613400.75 },
    ],
    'greeter, cron (unspecified), closing and manager sessions are not logins',
  );
  const noTime: LogindSession = { id: '9', user: 'zed', class: 'user', state: 'active', type: 'tty', realtimeUs: undefined };
  t.same(usersFromSessions([noTime]), [], 'a session without a start time is left out');
});

t.test('LinuxLogins: logind session files when systemd and logind run', async (t) => {
  const users = await new LinuxLogins(fixtureConfig('desktop')).loggedIn();
  t.same(users, [
    { user: 'alice', 'login-time': 1732604398.25 },
    { user: 'bob', 'login-time': 1732613400.75 },
  ]);
});

t.test('LinuxLogins: no logind → utmp; no utmp → nobody', async (t) => {
  const dir = await scratch(t);
  // systemd's skeleton directories without a running systemd (as in this machine's image): not logind.
  const run = join(dir, 'run-systemd');
  await cp(fixture('desktop/run/systemd'), run, { recursive: true });
  await rm(join(run, 'system'), { recursive: true });
  const viaUtmp = await new LinuxLogins(fixtureConfig('desktop', { systemdRunDir: run })).loggedIn();
  t.same(
    viaUtmp.map((u) => u.user),
    ['alice', 'bob', 'averyveryveryverylongusername_32'],
    'no /run/systemd/system: utmp',
  );
  await cp(fixture('desktop/run/systemd/system'), join(run, 'system'), { recursive: true });
  await rm(join(run, 'seats'), { recursive: true });
  t.equal(
    (await new LinuxLogins(fixtureConfig('desktop', { systemdRunDir: run })).loggedIn()).length,
    3,
    'systemd without logind (no seats): utmp',
  );
  t.same(await new LinuxLogins(fixtureConfig('container')).loggedIn(), [], 'container: no logind, no utmp (Debian 13 has none either)');
  await cp(fixture('desktop/run/systemd/seats'), join(run, 'seats'), { recursive: true });
  await rm(join(run, 'sessions'), { recursive: true, force: true });
  await cp(fixture('desktop/run/systemd/system'), join(run, 'sessions'), { recursive: true });
  t.same(await new LinuxLogins(fixtureConfig('desktop', { systemdRunDir: run })).loggedIn(), [], 'logind runs: no sessions, nobody');
});
