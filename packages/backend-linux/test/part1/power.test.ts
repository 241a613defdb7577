import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { LinuxPower, type PowerOptions } from '../../src/power/index.js';
import { Doubles } from './doubles.js';
import { rejectionMessage, scratchDir } from './fixtures.js';

/**
 * Every program the port may run is a double: `sbinDir` and the PATH point at
 * temp directories that hold nothing else, and sysrq goes to a temp file. No
 * real shutdown/systemctl/sysrq can be reached from these tests.
 */
function setup(t: { teardown(fn: () => void): void }, over: Partial<PowerOptions> = {}) {
  const root = scratchDir(t, 'qga-power-');
  const sbin = join(root, 'sbin');
  const bin = join(root, 'bin');
  const sysrq = join(root, 'sysrq-trigger');
  const state = join(root, 'power-state');
  const d = new Doubles(root);
  d.add(bin, '.keep'); // make the directory exist
  const opts: Partial<PowerOptions> = {
    sbinDir: sbin,
    env: { searchPath: bin, timeoutMs: 1_000 },
    sysrqTrigger: sysrq,
    sysrqSettleMs: 10,
    sysPowerState: state,
    sysfsSuspendGraceMs: 200,
    forceFallback: false,
    ...over,
  };
  const make = (more: Partial<PowerOptions>): LinuxPower => new LinuxPower({ ...opts, ...more });
  return { d, sbin, bin, sysrq, state, power: new LinuxPower(opts), make };
}

const read = (p: string): string => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '<none>';
  }
};

t.test('shutdown runs <sbin>/poweroff|halt|reboot when executable, nothing else', async (t) => {
  for (const [mode, prog] of [
    ['powerdown', 'poweroff'],
    ['halt', 'halt'],
    ['reboot', 'reboot'],
  ] as const) {
    const { d, sbin, bin, power } = setup(t);
    d.add(sbin, prog);
    d.add(bin, 'systemctl', 'exit 99');
    await power.shutdown(mode);
    t.same(d.calls(), [prog], mode);
  }
});

t.test('without them, <sbin>/shutdown -h -P|-H|-r +0 "hypervisor initiated shutdown"', async (t) => {
  for (const [mode, flag] of [
    ['powerdown', '-P'],
    ['halt', '-H'],
    ['reboot', '-r'],
  ] as const) {
    const { d, sbin, power } = setup(t);
    d.add(sbin, 'shutdown');
    await power.shutdown(mode);
    t.same(d.calls(), [`shutdown [-h] [${flag}] [+0] [hypervisor initiated shutdown]`], mode);
  }
});

t.test('a failing primary falls back to systemctl, then loginctl, then shutdown from PATH', async (t) => {
  const { d, sbin, bin, power } = setup(t);
  d.add(sbin, 'poweroff', 'echo "Failed to connect to bus"; exit 1');
  d.add(bin, 'systemctl', 'exit 1');
  d.add(bin, 'loginctl', 'exit 0');
  await power.shutdown('powerdown');
  t.same(d.calls(), ['poweroff', 'systemctl [poweroff]', 'loginctl [poweroff]']);
});

t.test('when every way fails the host sees the primary failure; no forced fallback by default', async (t) => {
  const { d, sbin, bin, sysrq, power } = setup(t);
  d.add(sbin, 'reboot', 'echo "reboot: must be superuser." >&2; exit 1');
  d.add(bin, 'systemctl', 'exit 1');
  d.add(bin, 'shutdown', 'exit 1');
  d.add(bin, 'reboot', 'exit 1');
  t.equal(await rejectionMessage(power.shutdown('reboot')), 'child process has failed to shutdown: reboot: must be superuser.\n');
  t.same(d.calls(), ['reboot', 'systemctl [reboot]', 'shutdown [-h] [-r] [+0] [hypervisor initiated shutdown]']);
  t.equal(read(sysrq), '<none>');
});

t.test('forced fallbacks: poweroff -f, then sysrq sync, remount-ro, power off', async (t) => {
  const { d, sbin, bin, sysrq, power } = setup(t, { forceFallback: true });
  d.add(sbin, 'shutdown', 'exit 1');
  d.add(bin, 'poweroff', 'exit 1');
  await power.shutdown('powerdown');
  t.same(d.calls(), ['shutdown [-h] [-P] [+0] [hypervisor initiated shutdown]', 'poweroff [-f]']);
  t.equal(read(sysrq), 'suo');

  const r = setup(t, { forceFallback: true });
  await r.power.shutdown('reboot');
  t.equal(read(r.sysrq), 'sub', 'reboot ends in sysrq b');

  const h = setup(t, { forceFallback: true });
  t.equal(
    await rejectionMessage(h.power.shutdown('halt')),
    "child process has failed to shutdown: failed to exec '" + join(h.sbin, 'shutdown') + "': No such file or directory\n",
  );
  t.equal(read(h.sysrq), '<none>', 'halt has no sysrq equivalent');

  const off = setup(t, { forceFallback: true, sysrqTrigger: undefined });
  t.ok(await rejectionMessage(off.power.shutdown('powerdown')), 'sysrq can be disabled');
});

t.test('a hanging shutdown program cannot hang the port', async (t) => {
  const { d, sbin, bin, make } = setup(t);
  const power = make({ env: { searchPath: bin, timeoutMs: 400 } });
  d.add(sbin, 'poweroff', 'exec /bin/sleep 60');
  d.add(bin, 'systemctl', 'exec /bin/sleep 60');
  const t0 = Date.now();
  const msg = await rejectionMessage(power.shutdown('powerdown'));
  const took = Date.now() - t0;
  t.equal(msg, 'child process has failed to shutdown: timed out after 400 ms');
  t.ok(took >= 800 && took < 10_000, `primary and systemctl both timed out: ${took} ms`);
  t.same(d.calls(), ['poweroff', 'systemctl [poweroff]'], 'the fallback was still tried');
});

t.test('suspend via systemd when `systemctl status` exits 1-3', async (t) => {
  const { d, bin, power } = setup(t);
  d.add(bin, 'systemctl', 'case "$1" in status) exit 3;; *) exit 0;; esac');
  await power.suspend('ram');
  t.same(d.calls(), ['systemctl [status] [systemd-suspend]', 'systemctl [suspend]']);
  const h = setup(t);
  h.d.add(h.bin, 'systemctl', 'case "$1" in status) exit 1;; *) exit 0;; esac');
  await h.power.suspend('hybrid');
  t.same(h.d.calls(), ['systemctl [status] [systemd-hybrid-sleep]', 'systemctl [hybrid-sleep]']);
});

t.test('suspend via pm-utils when systemd does not know the unit', async (t) => {
  const { d, bin, power } = setup(t);
  d.add(bin, 'systemctl', 'exit 4');
  d.add(bin, 'pm-is-supported', 'exit 0');
  d.add(bin, 'pm-hibernate');
  await power.suspend('disk');
  t.same(d.calls(), ['systemctl [status] [systemd-hibernate]', 'pm-is-supported [--hibernate]', 'pm-hibernate']);
});

t.test('suspend via /sys/power/state', async (t) => {
  const { state, power } = setup(t);
  writeFileSync(state, 'freeze mem disk\n');
  await power.suspend('ram');
  t.equal(read(state), 'mem');
  writeFileSync(state, 'freeze mem disk\n');
  await power.suspend('disk');
  t.equal(read(state), 'disk');
  writeFileSync(state, 'freeze mem disk\n');
  t.equal(
    await rejectionMessage(power.suspend('hybrid')),
    'the requested suspend mode is not supported by the guest',
    'hybrid has no sysfs way',
  );
  writeFileSync(state, 'freeze mem\n');
  t.equal(await rejectionMessage(power.suspend('disk')), 'the requested suspend mode is not supported by the guest');
});

t.test('suspend errors', async (t) => {
  const { d, bin, state, power } = setup(t);
  t.equal(
    await rejectionMessage(power.suspend('ram')),
    'the requested suspend mode is not supported by the guest',
    'no tools, no sysfs file',
  );

  d.add(bin, 'systemctl', 'case "$1" in status) exit 3;; *) exit 5;; esac');
  t.equal(
    await rejectionMessage(power.suspend('disk')),
    "the helper program 'systemctl hibernate' returned an unexpected exit status code (5)",
    'a supported strategy that fails reports its own error (upstream would report success here)',
  );

  d.add(bin, 'pm-is-supported', 'exit 0');
  t.equal(await rejectionMessage(power.suspend('ram')), "the helper program 'pm-suspend' was not found", 'the last failing strategy wins');

  writeFileSync(state, 'freeze mem disk\n');
  try {
    execFileSync('chattr', ['+i', state]);
  } catch {
    t.comment('chattr unavailable: immutable-file write error not tested');
    return;
  }
  t.teardown(() => execFileSync('chattr', ['-i', state]));
  d.add(bin, 'pm-is-supported', 'exit 1');
  d.add(bin, 'systemctl', 'exit 4');
  t.equal(await rejectionMessage(power.suspend('ram')), `suspend: cannot write to '${state}': Operation not permitted`);
});

t.test('a hanging suspend helper is bounded too', async (t) => {
  const { d, bin, make } = setup(t);
  const power = make({ env: { searchPath: bin, timeoutMs: 300 } });
  d.add(bin, 'systemctl', 'case "$1" in status) exit 3;; *) exec /bin/sleep 60;; esac');
  const t0 = Date.now();
  t.equal(await rejectionMessage(power.suspend('ram')), "the helper program 'systemctl suspend' did not finish within 300 ms");
  t.ok(Date.now() - t0 < 3_000);
});
