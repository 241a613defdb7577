import 'reflect-metadata';
import t from 'tap';
import {
  LinuxLogins,
  parseSessionIds,
  parseShowSession,
  parseSystemdUtcTimestamp,
  parseUtmp,
  usersFromSessions,
  usersFromUtmp,
  UTMP_RECORD_SIZE,
} from '../../src/logins/index.js';
import { fakeProgram, fixture, fixtureConfig, readFixture, readFixtureBytes, scratch } from './fixtures.js';

const BOOT = 1732604292; // 2024-11-26T06:58:12Z, boot time of the desktop fixture
const CLOCK = { realtimeUs: (BOOT + 10000) * 1e6, monotonicUs: 10000 * 1e6 };

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

t.test('loginctl output parsers', async (t) => {
  t.same(parseSessionIds(await readFixture('desktop/loginctl-list-sessions.txt')), ['2', '5', '14', 'c1', '20', '21', '22']);
  t.same(parseSessionIds(await readFixture('desktop/loginctl-list-sessions-256.txt')), ['2', '5', '14', 'c1', '20', '21', '22']);
  t.same(parseSessionIds('No sessions.\n'), ['No'], 'callers only pass --no-legend output');
  const shown = parseShowSession(await readFixture('desktop/loginctl-show-session.txt'));
  t.equal(shown.length, 7);
  t.equal(shown[2]!.get('Name'), 'bob');
  t.equal(parseSystemdUtcTimestamp('Tue 2024-11-26 07:01:44 UTC'), 1732604504);
  t.equal(parseSystemdUtcTimestamp('Tue 2024-11-26 07:01:44.250000 UTC'), 1732604504.25);
  t.equal(parseSystemdUtcTimestamp('Tue 2024-11-26 08:01:44 CET'), undefined, 'only UTC text is trusted');
});

t.test('guest-get-users from logind sessions', async (t) => {
  const sessions = parseShowSession(await readFixture('desktop/loginctl-show-session.txt'));
  t.same(
    usersFromSessions(sessions, CLOCK),
    [
      { user: 'alice', 'login-time': 1732604398.25 },
      { user: 'bob', 'login-time': 1732613400.75 },
    ],
    'greeter, cron (unspecified), closing and manager sessions are not logins',
  );
  const stepped = usersFromSessions(sessions, { ...CLOCK, realtimeUs: CLOCK.realtimeUs + 3600e6 });
  t.same(stepped[0], { user: 'alice', 'login-time': 1732604398 }, 'clock stepped since login: the wall-clock Timestamp wins');
  const cache = new Map<string, number>();
  const first = usersFromSessions(sessions, CLOCK, cache);
  const later = usersFromSessions(sessions, { realtimeUs: CLOCK.realtimeUs + 5e6, monotonicUs: CLOCK.monotonicUs + 5e6 + 1234 }, cache);
  t.same(later, first, 'repeated calls answer the same times');
});

t.test('LinuxLogins: logind through a real loginctl process', async (t) => {
  const dir = await scratch(t);
  const loginctl = await fakeProgram(
    dir,
    'loginctl',
    `[ "$TZ" = UTC ] || { echo "TZ not forced" >&2; exit 3; }
case "$1" in
  list-sessions) cat '${fixture('desktop/loginctl-list-sessions.txt')}' ;;
  show-session) cat '${fixture('desktop/loginctl-show-session.txt')}' ;;
  *) exit 2 ;;
esac`,
  );
  const logins = new LinuxLogins(fixtureConfig('desktop', { programs: { loginctl } }));
  const users = await logins.loggedIn();
  t.same(
    users.map((u) => u.user),
    ['alice', 'bob'],
  );
  // The derived wall-clock time depends on this machine's clocks: it must fall back to the Timestamp text.
  t.equal(Math.floor(users[0]!['login-time']), 1732604398);
});

t.test('LinuxLogins: no logind → utmp; no utmp → nobody', async (t) => {
  const dir = await scratch(t);
  const noSystemd = await fakeProgram(dir, 'loginctl', 'echo "System has not been booted with systemd as init system (PID 1). Can\'t operate." >&2; exit 1');
  const viaUtmp = await new LinuxLogins(fixtureConfig('desktop', { programs: { loginctl: noSystemd } })).loggedIn();
  t.same(
    viaUtmp.map((u) => u.user),
    ['alice', 'bob', 'averyveryveryverylongusername_32'],
  );
  const missing = await new LinuxLogins(fixtureConfig('desktop')).loggedIn();
  t.equal(missing.length, 3, 'loginctl not installed: utmp');
  t.same(await new LinuxLogins(fixtureConfig('container')).loggedIn(), [], 'container: no logind, no utmp (Debian 13 has none either)');
  const empty = await fakeProgram(dir, 'loginctl-empty', 'exit 0');
  t.same(await new LinuxLogins(fixtureConfig('desktop', { programs: { loginctl: empty } })).loggedIn(), [], 'logind answers: no sessions');
});
