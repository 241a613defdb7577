/**
 * Upstream's tests/unit/test-qga.c, the tests that share one agent (docs/commands.md#upstream-tests),
 * in registration order, with stricter checks where the result can be
 * verified against the machine, plus the handshake and id-echo details of
 * docs/protocol.md (request checks, recovery, synchronisation).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { forEachTarget, withAgent } from '../support/per-target.js';
import { busyboxGuestLacks, hostStateOnly } from '../support/vm-agent.js';
import { bytes, sleep, type RawClient } from '../support/raw-client.js';
import { call, execute, freshSyncId, request } from '../support/session.js';
import { errorLine, returnLine, STRAY_FF } from '../support/wire.js';
import { qdictOrderViolations } from '../support/qdict-order.js';
import { expectDeviation, hasQemu, sinceQemu } from '../support/expect.js';
import { expectedLinuxCommands } from '../support/schema.js';
import type { Target } from '../support/agents.js';

const BASH_LOOP = 'for i in $(seq 4); do if (( $i % 2 )); then echo stdout; else echo stderr 1>&2; fi; done;';

/** Poll guest-exec-status until exited (upstream waits up to 5 s; we allow 10). */
async function waitExited(client: RawClient, pid: number): Promise<{ line: string; status: any }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const line = await request(client, { execute: 'guest-exec-status', arguments: { pid } });
    const reply = JSON.parse(line);
    if (reply.error) throw new Error(`guest-exec-status: ${reply.error.desc}`);
    if (reply.return.exited) return { line, status: reply.return };
    if (Date.now() > deadline) throw new Error(`pid ${pid} did not exit within 10 s`);
    await sleep(50);
  }
}

/** mountpoint → fs type, from /proc/self/mountinfo (octal escapes decoded). */
function readMounts(): Map<string, string> {
  const unescape = (x: string) => x.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return new Map(
    fs
      .readFileSync('/proc/self/mountinfo', 'utf8')
      .trim()
      .split('\n')
      .map((l) => {
        const f = l.split(' ');
        const dash = f.indexOf('-');
        return [unescape(f[4] as string), f[dash + 1] as string];
      }),
  );
}

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

forEachTarget(t, async (t, target: Target) => {
  await withAgent(t, target, {}, async (agent) => {
    const c = await agent.connect();

    await t.test('/qga/sync-delimited: 0xFF + guest-sync-delimited', async (t) => {
      const id = freshSyncId();
      await c.send(bytes(`\xff{"execute":"guest-sync-delimited","arguments":{"id":${id}}}`));
      const skipped = await c.readUntilDelimiter();
      t.same(skipped, [STRAY_FF], "the client's 0xFF costs exactly one error reply, before the agent's 0xFF");
      t.equal(await c.readLine(), `{"return": ${id}}`, 'then the id comes back, byte-exact, on one line');
      t.equal(c.unread.length, 0, 'nothing else is sent');
    });

    await t.test('/qga/sync: guest-sync echoes int64 ids byte-exact', async (t) => {
      for (const id of [
        String(freshSyncId()),
        '0',
        '-1',
        '4294967296',
        '9007199254740993',
        '9223372036854775807',
        '-9223372036854775808',
      ]) {
        t.equal(await request(c, `{"execute":"guest-sync","arguments":{"id":${id}}}`), returnLine(id), `id ${id}`);
      }
      t.equal(
        await request(c, `{"execute":"guest-sync","arguments":{"id":42},"id":"x"}`),
        returnLine('42', '"x"'),
        'with a request id too',
      );
      t.equal(
        await request(c, '{"execute":"guest-sync-delimited","arguments":{}}'),
        errorLine("Parameter 'id' is missing"),
        'guest-sync-delimited that fails validation writes no 0xFF, just the error',
      );
    });

    await t.test('/qga/ping', async (t) => {
      t.equal(await request(c, '{"execute":"guest-ping"}'), '{"return": {}}');
      t.equal(await request(c, "{'execute':'guest-ping'}"), '{"return": {}}', 'single-quoted strings are accepted');
    });

    await t.test('/qga/info: version and supported_commands', async (t) => {
      const line = await request(c, '{"execute":"guest-info"}');
      const info = JSON.parse(line).return;
      t.type(info.version, 'string', 'version is a string');
      expectDeviation(target, {
        qemuGa: () => t.equal(info.version, target.version, 'qemu-ga reports its QEMU version (as `-V` prints it)'),
        ours: () => t.match(info.version, /^\d+\.\d+\.\d+/, 'ours reports its own version string'),
        why: 'our agent is not QEMU: guest-info.version is our release, not QEMU_VERSION (upstream test compares with QEMU_VERSION)',
      })();
      for (const cmd of info.supported_commands) {
        t.same(Object.keys(cmd).sort(), ['enabled', 'name', 'success-response'], `${cmd.name}: exactly name/enabled/success-response`);
      }
      t.same(
        info.supported_commands.map((x: any) => ({ name: x.name, enabled: x.enabled, successResponse: x['success-response'] })),
        expectedLinuxCommands(target),
        sinceQemu(target, '10.0', {
          before:
            'the 7.x command set in reverse schema order (no guest-get-load / guest-network-get-route; guest-get-devices listed disabled)',
          since:
            'the current upstream command set on Linux in reverse schema order (incl. guest-get-load, guest-network-get-route; no guest-get-devices)',
        }),
      );
      t.same(qdictOrderViolations(line), [], 'keys in QDict hash order (version, supported_commands / enabled, name, success-response)');
    });

    await t.test('/qga/network-get-interfaces', { skip: hostStateOnly(agent, 'network interfaces') }, async (t) => {
      // Other tests on this machine may add or remove interfaces meanwhile: compare with a read before and after.
      const before = new Set(fs.readdirSync('/sys/class/net'));
      const addrsBefore = os.networkInterfaces();
      const line = await request(c, '{"execute":"guest-network-get-interfaces"}');
      const after = new Set(fs.readdirSync('/sys/class/net'));
      const ifs = JSON.parse(line).return;
      t.ok(Array.isArray(ifs) && ifs.length > 0, 'a non-empty list');
      t.type(ifs[0].name, 'string', 'first element has a name');
      const names: string[] = ifs.map((i: any) => i.name);
      t.same(
        [...before].filter((n) => after.has(n) && !names.includes(n)),
        [],
        'every interface of the machine is listed, address-less ones included',
      );
      t.same(
        names.filter((n) => !before.has(n) && !after.has(n)),
        [],
        'and nothing else',
      );
      t.equal(new Set(names).size, names.length, 'one entry per interface');
      const lo = ifs.find((i: any) => i.name === 'lo');
      t.ok(
        lo?.['ip-addresses']?.some((a: any) => a['ip-address'] === '127.0.0.1' && a['ip-address-type'] === 'ipv4' && a.prefix === 8),
        'lo has 127.0.0.1/8',
      );
      for (const i of ifs) {
        if (i['hardware-address'] !== undefined)
          t.match(i['hardware-address'], /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, `${i.name}: MAC lower-case aa:bb:..`);
        t.equal(i.statistics !== undefined, i['ip-addresses'] !== undefined, `${i.name}: statistics only with addresses`);
      }
      const addrsAfter = os.networkInterfaces();
      for (const [name, addrs] of Object.entries(addrsBefore)) {
        const got = ifs.find((i: any) => i.name === name);
        for (const a of addrs ?? []) {
          if (!addrsAfter[name]?.some((x) => x.address === a.address)) continue;
          t.ok(
            got?.['ip-addresses']?.some((x: any) => x['ip-address'] === a.address.replace(/%.*$/, '')),
            `${name} reports ${a.address}`,
          );
        }
      }
      t.same(qdictOrderViolations(line), [], 'keys in QDict hash order');
    });

    await t.test(
      '/qga/get-vcpus',
      { skip: hostStateOnly(agent, 'CPUs') || (!fs.existsSync('/sys/devices/system/cpu/cpu0') && 'no /sys/devices/system/cpu/cpu0') },
      async (t) => {
        const line = await request(c, '{"execute":"guest-get-vcpus"}');
        const cpus = JSON.parse(line).return;
        t.ok('online' in cpus[0] && 'logical-id' in cpus[0], 'first element has online and logical-id');
        const onSys = fs
          .readdirSync('/sys/devices/system/cpu')
          .filter((n) => /^cpu\d+$/.test(n))
          .map((n) => Number(n.slice(3)));
        t.same(cpus.map((x: any) => x['logical-id']).sort(), onSys.sort(), 'one entry per /sys/devices/system/cpu/cpuN');
        t.same(qdictOrderViolations(line), [], 'keys in QDict hash order');
      },
    );

    await t.test('/qga/get-fsinfo', { skip: hostStateOnly(agent, 'mounts') }, async (t) => {
      const mountsBefore = readMounts();
      const line = await request(c, '{"execute":"guest-get-fsinfo"}');
      const list = JSON.parse(line).return;
      t.ok(Array.isArray(list), 'a list');
      if (list.length > 0) {
        for (const k of ['name', 'mountpoint', 'type', 'disk']) t.ok(k in list[0], `first element has ${k}`);
      }
      // mountinfo read before and after: other tests may mount things meanwhile.
      const mounts = new Map([...readMounts(), ...mountsBefore]);
      for (const fsi of list) t.equal(mounts.get(fsi.mountpoint), fsi.type, `${fsi.mountpoint}: type ${fsi.type} as in mountinfo`);
      t.same(qdictOrderViolations(line), [], 'keys in QDict hash order');
    });

    await t.test('/qga/get-load', async (t) => {
      const reply = await call(c, '{"execute":"guest-get-load"}');
      if (!hasQemu(target, '10.0')) {
        t.same(
          reply,
          { error: { class: 'CommandNotFound', desc: 'The command guest-get-load has not been found' } },
          'qemu-ga < 10.0 has no guest-get-load',
        );
        return;
      }
      for (const k of ['load1m', 'load5m', 'load15m']) t.type(reply.return?.[k], 'number', `has ${k}`);
    });

    await t.test('/qga/get-memory-block-info (an error is tolerated, as upstream)', async (t) => {
      const reply = await call(c, '{"execute":"guest-get-memory-block-info"}');
      if (reply.error) {
        t.equal(reply.error.class, 'GenericError', `error tolerated: ${reply.error.desc}`);
        return;
      }
      t.ok(reply.return.size > 0, 'size > 0');
      const sysfs = '/sys/devices/system/memory/block_size_bytes';
      if (fs.existsSync(sysfs))
        t.equal(reply.return.size, parseInt(fs.readFileSync(sysfs, 'utf8').trim(), 16), 'size is block_size_bytes (hex)');
    });

    await t.test(
      '/qga/get-memory-blocks (an error is tolerated, as upstream)',
      { skip: hostStateOnly(agent, 'memory blocks') },
      async (t) => {
        const reply = await call(c, '{"execute":"guest-get-memory-blocks"}');
        if (reply.error) {
          t.equal(reply.error.class, 'GenericError', `error tolerated: ${reply.error.desc}`);
          return;
        }
        t.ok(Array.isArray(reply.return), 'a list (may be empty)');
        if (reply.return.length > 0)
          t.ok('phys-index' in reply.return[0] && 'online' in reply.return[0], 'first element has phys-index and online');
        const dir = '/sys/devices/system/memory';
        if (fs.existsSync(dir)) {
          const n = fs.readdirSync(dir).filter((x) => /^memory\d+$/.test(x)).length;
          t.equal(reply.return.length, n, 'one entry per memoryN');
        }
      },
    );

    await t.test('/qga/file-ops', async (t) => {
      const data = Buffer.from('Hello World!\n\0');
      const enc = b64(data);
      const handle = await execute(c, 'guest-file-open', { path: 'foo', mode: 'w+' });
      t.ok(Number.isInteger(handle), `(1) open w+ returns an integer handle (${handle})`);
      t.equal(
        await request(c, { execute: 'guest-file-write', arguments: { handle, 'buf-b64': enc } }),
        '{"return": {"count": 14, "eof": false}}',
        '(2) write: count 14, eof false',
      );
      t.equal(await request(c, { execute: 'guest-file-flush', arguments: { handle } }), '{"return": {}}', '(3) flush');
      t.equal(await request(c, { execute: 'guest-file-close', arguments: { handle } }), '{"return": {}}', '(4) close');
      t.same(fs.readFileSync(path.join(agent.dir, 'foo')), data, 'the 14 bytes are on disk, relative to the agent cwd');
      const h2 = await execute(c, 'guest-file-open', { path: 'foo', mode: 'r' });
      t.equal(h2, handle + 1, '(5) handles count up');
      t.equal(
        await request(c, { execute: 'guest-file-read', arguments: { handle: h2 } }),
        `{"return": {"count": 14, "buf-b64": "${enc}", "eof": true}}`,
        '(6) read: count 14, eof true, same base64',
      );
      t.equal(
        await request(c, { execute: 'guest-file-read', arguments: { handle: h2 } }),
        '{"return": {"count": 0, "buf-b64": "", "eof": true}}',
        '(7) read again: count 0, buf ""',
      );
      t.equal(
        await request(c, { execute: 'guest-file-seek', arguments: { handle: h2, offset: 6, whence: 'set' } }),
        '{"return": {"eof": false, "position": 6}}',
        '(8) seek 6 set',
      );
      t.equal(
        await request(c, { execute: 'guest-file-read', arguments: { handle: h2 } }),
        `{"return": {"count": 8, "buf-b64": "${b64(data.subarray(6))}", "eof": true}}`,
        '(9) read: bytes 6..13',
      );
      t.equal(await request(c, { execute: 'guest-file-close', arguments: { handle: h2 } }), '{"return": {}}', '(10) close');
      t.equal(
        await request(c, { execute: 'guest-file-close', arguments: { handle: h2 } }),
        errorLine(`handle '${h2}' has not been found`),
        'a closed handle is gone',
      );
      t.match(
        fs.readFileSync(path.join(agent.dir, 'qga.state'), 'utf8'),
        new RegExp(`^\\[global\\]\\nfd_counter=${h2 + 1}\\n`),
        'qga.state holds the next handle',
      );
    });

    await t.test('/qga/file-write-read', async (t) => {
      const data = Buffer.from('Hello World!\n\0');
      const enc = b64(data);
      const handle = await execute(c, 'guest-file-open', { path: 'foo', mode: 'w+' });
      t.equal(
        await request(c, { execute: 'guest-file-write', arguments: { handle, 'buf-b64': enc } }),
        '{"return": {"count": 14, "eof": false}}',
        'write 14',
      );
      t.equal(
        await request(c, { execute: 'guest-file-read', arguments: { handle } }),
        '{"return": {"count": 0, "buf-b64": "", "eof": true}}',
        'read without seek: at EOF',
      );
      t.equal(
        await request(c, { execute: 'guest-file-seek', arguments: { handle, offset: 0, whence: 'set' } }),
        '{"return": {"eof": false, "position": 0}}',
        'seek 0',
      );
      t.equal(
        await request(c, { execute: 'guest-file-read', arguments: { handle } }),
        `{"return": {"count": 14, "buf-b64": "${enc}", "eof": true}}`,
        'read all',
      );
      t.equal(await request(c, { execute: 'guest-file-close', arguments: { handle } }), '{"return": {}}', 'close');
      t.same(fs.readFileSync(path.join(agent.dir, 'foo')), data, 'on disk');
    });

    await t.test('guest-file-* details (docs/commands.md#file-handles)', async (t) => {
      fs.writeFileSync(path.join(agent.dir, 'bar'), Buffer.from('0123456789abcd'));
      const h = await execute(c, 'guest-file-open', { path: 'bar', mode: 'r+' });
      t.equal(
        await request(c, { execute: 'guest-file-read', arguments: { handle: h, count: -1 } }),
        errorLine("value '-1' is invalid for argument count"),
        'count < 0',
      );
      t.equal(
        await request(c, { execute: 'guest-file-read', arguments: { handle: h, count: 50331649 } }),
        errorLine("value '50331649' is invalid for argument count"),
        'count > 48 MiB',
      );
      t.equal(
        await request(c, { execute: 'guest-file-read', arguments: { handle: h, count: 0 } }),
        '{"return": {"count": 0, "buf-b64": "", "eof": false}}',
        'count 0 is allowed',
      );
      t.equal(
        await request(c, { execute: 'guest-file-read', arguments: { handle: h, count: 14 } }),
        `{"return": {"count": 14, "buf-b64": "${b64('0123456789abcd')}", "eof": false}}`,
        'reading exactly the rest: eof false',
      );
      t.equal(
        await request(c, { execute: 'guest-file-read', arguments: { handle: h, count: 50331648 } }),
        '{"return": {"count": 0, "buf-b64": "", "eof": true}}',
        'count = 48 MiB is allowed; next read hits EOF',
      );
      t.equal(
        await request(c, { execute: 'guest-file-seek', arguments: { handle: h, offset: -4, whence: 2 } }),
        '{"return": {"eof": false, "position": 10}}',
        'whence as integer 2 (end)',
      );
      t.equal(
        await request(c, { execute: 'guest-file-seek', arguments: { handle: h, offset: 1, whence: 'cur' } }),
        '{"return": {"eof": false, "position": 11}}',
        "whence 'cur'",
      );
      t.equal(
        await request(c, { execute: 'guest-file-seek', arguments: { handle: h, offset: 0, whence: 5 } }),
        errorLine('invalid whence code 5'),
        'whence 5',
      );
      t.equal(
        await request(c, { execute: 'guest-file-write', arguments: { handle: h, 'buf-b64': 'QUJD', count: 4 } }),
        errorLine("value '4' is invalid for argument count"),
        'write count > decoded length',
      );
      t.equal(
        await request(c, { execute: 'guest-file-write', arguments: { handle: h, 'buf-b64': '!!!' } }),
        errorLine('Base64 data contains invalid characters'),
        'bad base64',
      );
      t.equal(
        await request(c, { execute: 'guest-file-write', arguments: { handle: h, 'buf-b64': 'WFla', count: 2 } }),
        '{"return": {"count": 2, "eof": false}}',
        'write 2 of 3 decoded bytes',
      );
      t.equal(await request(c, { execute: 'guest-file-close', arguments: { handle: h } }), '{"return": {}}', 'close');
      t.equal(fs.readFileSync(path.join(agent.dir, 'bar'), 'latin1'), '0123456789aXYd', 'the write landed at position 11');
      t.equal(
        await request(c, { execute: 'guest-file-open', arguments: { path: 'bar', mode: 'rw' } }),
        errorLine("invalid file open mode 'rw'"),
        'bad mode',
      );
      t.equal(
        await request(c, { execute: 'guest-file-open', arguments: { path: '/nonexistent-qga-dir/x', mode: 'r' } }),
        errorLine("failed to open file '/nonexistent-qga-dir/x' (mode: 'r'): No such file or directory"),
        'open failure',
      );
      t.equal(
        await request(c, { execute: 'guest-file-read', arguments: { handle: 99999 } }),
        errorLine("handle '99999' has not been found"),
        'unknown handle',
      );
      const created = await execute(c, 'guest-file-open', { path: 'created', mode: 'w' });
      await execute(c, 'guest-file-close', { handle: created });
      t.equal(
        fs.statSync(path.join(agent.dir, 'created')).mode & 0o777,
        expectDeviation(target, {
          qemuGa: 0o666,
          ours: 0o666 & ~process.umask(),
          why: 'docs/upstream-bugs.md#new-files-0666: upstream creates files 0666 ignoring the umask; ours respects the umask',
        }),
        'mode of a newly created file',
      );
    });

    await t.test('/qga/get-time: int > 0, beyond 2^53, close to our clock', async (t) => {
      const before = BigInt(Date.now()) * 1_000_000n;
      const line = await request(c, '{"execute":"guest-get-time"}');
      const after = BigInt(Date.now()) * 1_000_000n;
      const m = /^\{"return": (\d+)\}$/.exec(line);
      t.ok(m, `an integer: ${line}`);
      const ns = BigInt(m?.[1] ?? '0');
      t.ok(ns > 0n, '> 0');
      t.ok(ns > 2n ** 53n, 'beyond 2^53, printed exactly');
      t.ok(ns >= before - 2_000_000_000n && ns <= after + 2_000_000_000n, 'within 2 s of the test clock');
      t.equal(ns % 1000n, 0n, 'microsecond resolution expressed in ns');
    });

    await t.test('/qga/id: the request id is echoed', async (t) => {
      t.equal(await request(c, '{"execute":"guest-ping","id":1}'), '{"return": {}, "id": 1}');
      t.same(JSON.parse(await request(c, '{"execute":"guest-ping","id":1}')).id, 1, 'id == 1');
    });

    await t.test('id of every JSON type, re-serialized byte-exact', async (t) => {
      const cases: [string, string, string][] = [
        ['"abc"', '"abc"', 'string'],
        ["'abc'", '"abc"', 'single-quoted string comes back double-quoted'],
        ["'a\"b'", '"a\\"b"', 'raw " inside single quotes'],
        ["'\\'q\\''", '"\'q\'"', "the \\' escape"],
        ['""', '""', 'empty string'],
        ['"\\u00e9\\ud83d\\ude00/"', '"\\u00E9\\uD83D\\uDE00/"', 'non-ASCII escaped upper-case, surrogate pair, / unescaped'],
        ['"\u00e9"', '"\\u00E9"', 'raw UTF-8 comes back escaped'],
        ['"\\/\\b\\f\\n\\r\\t\\u001f\\u007f"', '"/\\b\\f\\n\\r\\t\\u001F\\u007F"', 'short escapes and control characters'],
        ['"a\\u0000b"', '"a\\u0000b"', '\\u0000 survives'],
        ['0', '0', 'zero'],
        ['-0', '0', '-0 is an integer 0'],
        ['-1', '-1', 'negative'],
        ['9223372036854775807', '9223372036854775807', 'INT64_MAX'],
        ['-9223372036854775808', '-9223372036854775808', 'INT64_MIN'],
        ['9007199254740993', '9007199254740993', '2^53+1 exactly'],
        ['18446744073709551615', '18446744073709551615', 'UINT64_MAX stays an integer'],
        ['18446744073709551616', '1.8446744073709552e+19', 'above UINT64_MAX becomes a double (%.17g)'],
        ['-9223372036854775809', '-9.2233720368547758e+18', 'below INT64_MIN becomes a double'],
        ['1.5', '1.5', 'float'],
        ['1.0', '1', 'float 1.0 prints as 1'],
        [
          '-0.0',
          expectDeviation(target, {
            qemuGa: '-0',
            ours: '0',
            why: 'our encoder prints every integral zero as 0 so computed integer fields (a UTC offset) never read -0; an id of -0.0 is the only visible effect',
          }),
          'float -0.0',
        ],
        ['0.1', '0.10000000000000001', '%.17g'],
        ['1e3', '1000', 'exponent'],
        ['1E3', '1000', 'upper-case exponent'],
        ['-1.5e-7', '-1.4999999999999999e-07', '%.17g with exponent'],
        ['100000000000000000000.0', '1e+20', 'large double'],
        ['true', 'true', 'true'],
        ['false', 'false', 'false'],
        ['null', 'null', 'null'],
        ['[]', '[]', 'empty array'],
        ['{}', '{}', 'empty object'],
        ['[1,"x",null,[true]]', '[1, "x", null, [true]]', 'array: ", " separators'],
        ['{"a":1}', '{"a": 1}', 'object: ": " separator'],
        [
          '{"x":1,"y":2,"z":3,"execute":4}',
          '{"x": 1, "y": 2, "execute": 4, "z": 3}',
          'object keys in QDict hash order, not insertion order',
        ],
      ];
      for (const [sent, echoed, what] of cases) {
        t.equal(
          await request(c, `{"execute":"guest-ping","id":${sent}}`),
          `{"return": {}, "id": ${echoed}}`,
          `${what}: ${sent} → ${echoed}`,
        );
      }
      await c.send(bytes('{"execute":"guest-ping","id":"\xc0\x80"}'));
      t.equal(await c.readLine(), '{"return": {}, "id": "\\u0000"}', 'overlong C0 80 is accepted as U+0000 (modified UTF-8)');
      t.equal(await request(c, '{"id":"first","execute":"guest-ping"}'), '{"return": {}, "id": "first"}', 'id before execute');
    });

    await t.test('/qga/invalid-oob', async (t) => {
      t.equal(
        await request(c, '{"exec-oob":"guest-ping"}'),
        errorLine("QMP input member 'exec-oob' is unexpected"),
        'exec-oob is an unexpected member',
      );
    });

    await t.test('/qga/invalid-cmd', async (t) => {
      t.equal(
        await request(c, '{"execute":"guest-invalid-cmd"}'),
        errorLine('The command guest-invalid-cmd has not been found', 'CommandNotFound'),
      );
    });

    await t.test('/qga/invalid-args', async (t) => {
      t.equal(await request(c, '{"execute":"guest-ping","arguments":{"foo":42}}'), errorLine("Parameter 'foo' is unexpected"));
    });

    await t.test('/qga/fsfreeze-status', async (t) => {
      t.equal(await request(c, '{"execute":"guest-fsfreeze-status"}'), '{"return": "thawed"}');
    });

    await t.test('/qga/guest-exec: echo with capture-output true', async (t) => {
      const reply = await call(c, {
        execute: 'guest-exec',
        arguments: { path: 'echo', arg: ['-n', '" test_str "'], 'capture-output': true },
      });
      t.ok(reply.return?.pid > 0, 'pid > 0');
      const { line, status } = await waitExited(c, reply.return.pid);
      t.equal(status.exitcode, 0, 'exitcode 0');
      t.equal(Buffer.from(status['out-data'], 'base64').toString('latin1'), '" test_str "', '12 bytes of output');
      t.equal(
        line,
        `{"return": {"exitcode": 0, "out-data": "${b64('" test_str "')}", "out-truncated": false, "exited": true}}`,
        'byte-exact: no err-data when stderr was empty',
      );
      t.equal(
        await request(c, { execute: 'guest-exec-status', arguments: { pid: reply.return.pid } }),
        expectDeviation(target, {
          qemuGa: errorLine(sinceQemu(target, '9.1', { before: "Invalid parameter 'pid'", since: 'PID ld does not exist' })),
          ours: errorLine(`PID ${reply.return.pid} does not exist`),
          why: 'docs/upstream-bugs.md#pid-ld-does-not-exist: upstream prints the literal "PID ld does not exist" (missing %); we print the pid. qemu-ga 7.2 says "Invalid parameter \'pid\'"',
        }),
        'the record is gone after the first exited:true',
      );
    });

    await t.test('/qga/guest-exec-separated', { skip: busyboxGuestLacks(agent, 'bash') }, async (t) => {
      const reply = await call(c, {
        execute: 'guest-exec',
        arguments: { path: 'bash', arg: ['-c', BASH_LOOP], 'capture-output': 'separated' },
      });
      if (!hasQemu(target, '8.0')) {
        t.same(
          reply.error,
          { class: 'GenericError', desc: "Invalid parameter type for 'capture-output', expected: boolean" },
          'before 8.0 capture-output is a plain bool',
        );
      } else {
        const { status } = await waitExited(c, reply.return.pid);
        t.equal(status.exitcode, 0, 'exitcode 0');
        t.equal(Buffer.from(status['out-data'], 'base64').toString(), 'stdout\nstdout\n', 'stdout lines');
        t.equal(Buffer.from(status['err-data'], 'base64').toString(), 'stderr\nstderr\n', 'stderr lines');
      }
      const legacy = await call(c, { execute: 'guest-exec', arguments: { path: 'bash', arg: ['-c', BASH_LOOP], 'capture-output': true } });
      const { line } = await waitExited(c, legacy.return.pid);
      t.equal(
        line,
        `{"return": {"exitcode": 0, "err-data": "${b64('stderr\nstderr\n')}", "out-data": "${b64('stdout\nstdout\n')}", "err-truncated": false, "out-truncated": false, "exited": true}}`,
        'capture-output true = separated, byte-exact GuestExecStatus',
      );
    });

    await t.test('/qga/guest-exec-merged', { skip: busyboxGuestLacks(agent, 'bash') }, async (t) => {
      const reply = await call(c, {
        execute: 'guest-exec',
        arguments: { path: 'bash', arg: ['-c', BASH_LOOP], 'capture-output': 'merged' },
      });
      if (!hasQemu(target, '8.0')) {
        t.same(
          reply.error,
          { class: 'GenericError', desc: "Invalid parameter type for 'capture-output', expected: boolean" },
          'before 8.0 there is no merged mode',
        );
        return;
      }
      const { line, status } = await waitExited(c, reply.return.pid);
      t.equal(status.exitcode, 0, 'exitcode 0');
      t.equal(Buffer.from(status['out-data'], 'base64').toString(), 'stdout\nstderr\nstdout\nstderr\n', 'interleaved in out-data');
      t.notOk('err-data' in status, 'no err-data key');
      t.same(qdictOrderViolations(line), [], 'keys in QDict hash order');
    });

    await t.test('guest-exec: modes, stdin, env, signals (docs/commands.md#guest-exec)', async (t) => {
      const run = async (args: object) => {
        const r = await call(c, { execute: 'guest-exec', arguments: args });
        if (r.error) throw new Error(r.error.desc);
        return (await waitExited(c, r.return.pid)).line;
      };
      t.equal(
        await run({ path: 'sh', arg: ['-c', 'cat; exit 4'], 'input-data': b64('hello'), 'capture-output': true }),
        `{"return": {"exitcode": 4, "out-data": "${b64('hello')}", "out-truncated": false, "exited": true}}`,
        'input-data to stdin, exit code 4',
      );
      t.equal(await run({ path: 'sh', arg: ['-c', 'kill -9 $$'] }), '{"return": {"signal": 9, "exited": true}}', 'killed by a signal');
      t.equal(
        await run({ path: 'true', 'capture-output': true }),
        '{"return": {"exitcode": 0, "exited": true}}',
        'no output: no data keys',
      );
      t.equal(
        await run({ path: 'sh', env: ['FOO=bar'], arg: ['-c', 'echo $FOO $HOME'], 'capture-output': true }),
        `{"return": {"exitcode": 0, "out-data": "${b64('bar\n')}", "out-truncated": false, "exited": true}}`,
        'env replaces the whole environment',
      );
      t.equal(
        await run({ path: 'sh', arg: ['-c', 'echo out; echo err >&2'], 'capture-output': false }),
        '{"return": {"exitcode": 0, "exited": true}}',
        'capture-output false: nothing captured',
      );
      if (hasQemu(target, '8.0')) {
        t.equal(
          await run({ path: 'sh', arg: ['-c', 'echo out; echo err >&2'], 'capture-output': 'stdout' }),
          `{"return": {"exitcode": 0, "out-data": "${b64('out\n')}", "out-truncated": false, "exited": true}}`,
          "mode 'stdout'",
        );
        t.equal(
          await run({ path: 'sh', arg: ['-c', 'echo out; echo err >&2'], 'capture-output': 'stderr' }),
          `{"return": {"exitcode": 0, "err-data": "${b64('err\n')}", "err-truncated": false, "exited": true}}`,
          "mode 'stderr'",
        );
        t.equal(
          await run({ path: 'sh', arg: ['-c', 'echo out'], 'capture-output': 'none' }),
          '{"return": {"exitcode": 0, "exited": true}}',
          "mode 'none'",
        );
      }
      t.equal(
        await request(c, { execute: 'guest-exec', arguments: { path: 'true', 'input-data': '!!' } }),
        errorLine('Base64 data contains invalid characters'),
        'bad input-data: nothing runs',
      );
      const slow = await call(c, { execute: 'guest-exec', arguments: { path: 'sleep', arg: ['0.5'] } });
      t.equal(
        await request(c, { execute: 'guest-exec-status', arguments: { pid: slow.return.pid } }),
        '{"return": {"exited": false}}',
        'while running: {"exited": false} only',
      );
      await waitExited(c, slow.return.pid);
    });

    await t.test('/qga/guest-exec-invalid', async (t) => {
      const a = await call(c, { execute: 'guest-exec', arguments: { path: '/bin/invalid-cmd42' } });
      t.equal(a.error?.class, 'GenericError', 'spawn failure is a GenericError');
      t.ok(
        a.error?.desc.includes('Failed to execute child process \u201C/bin/invalid-cmd42\u201D (No such file or directory)'),
        `desc carries GLib's message: ${a.error?.desc}`,
      );
      const b = await call(c, { execute: 'guest-exec-status', arguments: { pid: 0 } });
      t.equal(b.error?.class, 'GenericError', 'status of pid 0 is a GenericError');
      t.ok(b.error?.desc.length > 0, `non-empty desc: ${b.error?.desc}`);
    });

    await t.test('/qga/guest-get-host-name', { skip: hostStateOnly(agent, 'host name') }, async (t) => {
      t.equal(await request(c, '{"execute":"guest-get-host-name"}'), `{"return": {"host-name": "${os.hostname()}"}}`);
    });

    await t.test('/qga/guest-get-timezone', async (t) => {
      const tz = JSON.parse(await request(c, '{"execute":"guest-get-timezone"}')).return;
      t.equal(tz.offset, -new Date().getTimezoneOffset() * 60, 'offset = seconds east of UTC');
      t.type(tz.zone, 'string', 'zone abbreviation');
    });

    await t.test('/qga/guest-get-users', async (t) => {
      const users = JSON.parse(await request(c, '{"execute":"guest-get-users"}')).return;
      t.ok(Array.isArray(users), 'a list (may be empty)');
      for (const u of users) {
        t.type(u.user, 'string', 'user');
        t.type(u['login-time'], 'number', 'login-time');
        t.notOk('domain' in u, 'no domain on POSIX');
      }
    });
  });
});
