import t from 'tap';
import { getopt, type OptionDef } from '../src/cli/getopt.js';

const DEFS: OptionDef[] = [
  { name: 'verbose', short: 'v', arg: 'none' },
  { name: 'method', short: 'm', arg: 'required' },
  { name: 'fsfreeze-hook', short: 'F', arg: 'optional' },
  { name: 'block-rpcs', short: 'b', arg: 'required' },
  { name: 'backend', arg: 'required' },
];

t.test('short options: clusters, attached and separate arguments', async (t) => {
  t.same(getopt(['-vmunix-listen'], DEFS, 'p'), { options: [{ name: 'verbose' }, { name: 'method', value: 'unix-listen' }], operands: [] });
  t.same(getopt(['-vm', 'x', '-b', 'a,b'], DEFS, 'p'), {
    options: [{ name: 'verbose' }, { name: 'method', value: 'x' }, { name: 'block-rpcs', value: 'a,b' }],
    operands: [],
  });
});

t.test('-F takes its optional argument only when attached', async (t) => {
  t.same(getopt(['-F/x/hook'], DEFS, 'p'), { options: [{ name: 'fsfreeze-hook', value: '/x/hook' }], operands: [] });
  t.same(getopt(['-F', '/x/hook'], DEFS, 'p'), { options: [{ name: 'fsfreeze-hook' }], operands: ['/x/hook'] });
  t.same(getopt(['--fsfreeze-hook=/y'], DEFS, 'p'), { options: [{ name: 'fsfreeze-hook', value: '/y' }], operands: [] });
  t.same(getopt(['--fsfreeze-hook', '/y'], DEFS, 'p'), { options: [{ name: 'fsfreeze-hook' }], operands: ['/y'] });
  t.same(getopt(['-vF'], DEFS, 'p'), { options: [{ name: 'verbose' }, { name: 'fsfreeze-hook' }], operands: [] });
});

t.test('long options: =value, separate value, unique prefixes', async (t) => {
  t.same(getopt(['--method=vsock-listen', '--verb'], DEFS, 'p'), {
    options: [{ name: 'method', value: 'vsock-listen' }, { name: 'verbose' }],
    operands: [],
  });
  t.same(getopt(['--meth', 'isa-serial'], DEFS, 'p'), { options: [{ name: 'method', value: 'isa-serial' }], operands: [] });
  t.same(getopt(['--method='], DEFS, 'p'), { options: [{ name: 'method', value: '' }], operands: [] });
});

t.test('operands mix with options; -- ends options', async (t) => {
  t.same(getopt(['x', '-v', '-', '--', '-m'], DEFS, 'p'), { options: [{ name: 'verbose' }], operands: ['x', '-', '-m'] });
});

t.test('errors in getopt wording, with the options parsed before them', async (t) => {
  t.same(getopt(['-v', '-X'], DEFS, 'qga'), { error: "qga: invalid option -- 'X'", options: [{ name: 'verbose' }] });
  t.same(getopt(['--bogus'], DEFS, 'qga'), { error: "qga: unrecognized option '--bogus'", options: [] });
  t.same(getopt(['-m'], DEFS, 'qga'), { error: "qga: option requires an argument -- 'm'", options: [] });
  t.same(getopt(['--method'], DEFS, 'qga'), { error: "qga: option '--method' requires an argument", options: [] });
  t.same(getopt(['--verbose=1'], DEFS, 'qga'), { error: "qga: option '--verbose' doesn't allow an argument", options: [] });
  t.same(getopt(['--b=x'], DEFS, 'qga'), {
    error: "qga: option '--b' is ambiguous; possibilities: '--block-rpcs' '--backend'",
    options: [],
  });
});
