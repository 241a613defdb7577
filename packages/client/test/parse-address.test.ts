import t from 'tap';
import { formatAddress, parseAddress } from '../src/address/parse-address.js';

t.test('address forms', async (t) => {
  t.same(parseAddress('unix:/run/qga.sock'), { kind: 'unix', path: '/run/qga.sock' });
  t.same(parseAddress('./run/qga.sock'), { kind: 'unix', path: './run/qga.sock' });
  t.same(parseAddress('/var/lib/libvirt/qemu/channel/target/vm.org.qemu.guest_agent.0'), {
    kind: 'unix',
    path: '/var/lib/libvirt/qemu/channel/target/vm.org.qemu.guest_agent.0',
  });
  t.same(parseAddress('tcp:127.0.0.1:4444'), { kind: 'tcp', host: '127.0.0.1', port: 4444, tls: false });
  t.same(parseAddress('tcp:[::1]:4444'), { kind: 'tcp', host: '::1', port: 4444, tls: false });
  t.same(parseAddress('tls:guest.example:5555'), { kind: 'tcp', host: 'guest.example', port: 5555, tls: true });
});

t.test('bad addresses', async (t) => {
  for (const bad of ['', 'unix:', 'tcp:host', 'tcp:host:0', 'tcp:host:70000', 'tcp::1:44', 'vsock:3:1234']) {
    t.throws(() => parseAddress(bad), bad);
  }
});

t.test('format round trip', async (t) => {
  for (const a of ['unix:/x/y', 'tcp:10.0.0.1:1', 'tcp:[fe80::1]:99', 'tls:h:2']) t.equal(formatAddress(parseAddress(a)), a);
});
