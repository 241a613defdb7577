import t from 'tap';
import { parseCommandLine } from '../src/cli/parse-command-line.js';
import { splitSubcommandArgs } from '../src/cli/split-subcommand-args.js';
import { UsageError } from '../src/cli/usage-error.js';
import { formatInterfaces } from '../src/cli/format/format-interfaces.js';
import { formatInfo } from '../src/cli/format/format-info.js';
import { formatFstrim } from '../src/cli/format/format-fstrim.js';

t.test('global options before and after the subcommand', async (t) => {
  const l = parseCommandLine(['-a', 'tcp:h:1', 'info', '--json', '--timeout=2.5']);
  t.equal(l.command, 'info');
  t.equal(l.global.address, 'tcp:h:1');
  t.equal(l.global.json, true);
  t.equal(l.global.timeoutS, 2.5);
  t.same(l.args, []);
});

t.test('exec passes the program and its options through untouched', async (t) => {
  const l = parseCommandLine(['--json', 'exec', '--env', 'A=1', '--', 'ls', '--json', '-l']);
  t.equal(l.global.json, true);
  t.same(l.args, ['--env', 'A=1', '--', 'ls', '--json', '-l']);
  const s = splitSubcommandArgs(l.args, ['--env'], ['--no-capture'], true);
  t.same(s.options.get('--env'), ['A=1']);
  t.same(s.operands, ['ls', '--json', '-l']);
  const s2 = splitSubcommandArgs(['--no-capture', 'ls', '-l'], ['--env'], ['--no-capture'], true);
  t.same(s2.operands, ['ls', '-l'], 'the program ends option parsing without --');
  t.ok(s2.options.has('--no-capture'));
});

t.test('usage errors', async (t) => {
  t.throws(() => parseCommandLine(['--bogus', 'ping']), UsageError);
  t.throws(() => parseCommandLine(['--timeout', '0', 'ping']), UsageError);
  t.throws(() => parseCommandLine(['ping', '--address']), UsageError);
  t.throws(() => splitSubcommandArgs(['--what'], [], []), UsageError);
  t.same(splitSubcommandArgs(['-', '-5'], [], []).operands, ['-', '-5'], '"-" and negative numbers are operands');
});

t.test('ifconfig text', async (t) => {
  const text = formatInterfaces([
    {
      name: 'eth0',
      'hardware-address': '52:54:00:12:34:56',
      'ip-addresses': [
        { 'ip-address': '10.0.2.15', 'ip-address-type': 'ipv4', prefix: 24 },
        { 'ip-address': 'fe80::1', 'ip-address-type': 'ipv6', prefix: 64 },
      ],
      statistics: {
        'rx-bytes': 18446744073709551615n,
        'rx-packets': 2,
        'rx-errs': 0,
        'rx-dropped': 0,
        'tx-bytes': 5,
        'tx-packets': 6,
        'tx-errs': 7,
        'tx-dropped': 8,
      },
    },
    { name: 'dummy0' },
  ]);
  t.equal(
    text,
    'eth0: hwaddr 52:54:00:12:34:56\n    inet 10.0.2.15/24\n    inet6 fe80::1/64\n' +
      '    rx 18446744073709551615 bytes  2 packets  0 errors  0 dropped\n' +
      '    tx 5 bytes  6 packets  7 errors  8 dropped\ndummy0:\n',
  );
});

t.test('info and fstrim text', async (t) => {
  t.equal(
    formatInfo({
      version: '9.9',
      supported_commands: [
        { name: 'guest-shutdown', enabled: true, 'success-response': false },
        { name: 'guest-exec', enabled: false, 'success-response': true },
      ],
    }),
    'version: 9.9\ncommands: 2 (1 enabled)\n  guest-exec      disabled\n  guest-shutdown  enabled  no-success-response\n',
  );
  t.equal(
    formatFstrim({
      paths: [
        { path: '/', trimmed: 4096, minimum: 0 },
        { path: '/boot', error: 'trim not supported' },
      ],
    }),
    '/: trimmed 4096 bytes (minimum 0)\n/boot: error: trim not supported\n',
  );
});
