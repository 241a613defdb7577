import t from 'tap';
import {
  decodeMountName,
  mountListFromMountinfo,
  mountListFromMtab,
  parseMountinfo,
  parseProcMounts,
  splitDev,
  type DeviceInfo,
  type DeviceResolver,
} from '../../src/mounts/index.js';
import { fixture } from './fixtures.js';

function resolver(map: Record<string, DeviceInfo>): DeviceResolver {
  return (path) => map[path];
}
const none: DeviceResolver = () => undefined;

t.test('decodeMountName undoes the kernel escapes', async (t) => {
  t.equal(decodeMountName('/mnt/My\\040Data'), '/mnt/My Data');
  t.equal(decodeMountName('/a\\011b\\012c'), '/a\tb\nc');
  t.equal(decodeMountName('/back\\134slash'), '/back\\slash');
  t.equal(decodeMountName('/double\\\\back'), '/double\\back');
  t.equal(decodeMountName('/not\\999octal'), '/not\\999octal', 'invalid escapes stay literal');
  t.equal(decodeMountName('/high\\400'), '/high\\400', 'first digit must be 0-3');
  t.equal(decodeMountName('/tail\\04'), '/tail\\04', 'truncated escape stays');
  t.equal(decodeMountName('/euro\\342\\202\\254'), '/euro€', 'escaped UTF-8 bytes decode to one character');
  t.equal(decodeMountName('/plain'), '/plain');
});

t.test('this CI machine: only the root ext4 survives; the /run/netns bind of the same device is dropped', async (t) => {
  const entries = parseMountinfo(fixture('mountinfo-ci-vm.txt'));
  t.equal(entries.length, 21);
  t.same(entries[5], {
    mountId: 27,
    parentId: 1,
    major: 254,
    minor: 0,
    root: '/',
    mountPoint: '/',
    fsType: 'ext4',
    source: '/dev/vda',
  });
  const list = mountListFromMountinfo(entries, none);
  t.same(list, [{ dirname: '/', devtype: 'ext4', source: '/dev/vda', devmajor: 254, devminor: 0 }]);
});

t.test('desktop with btrfs subvolumes, bind mounts, escapes, squashfs, FUSE and NFS', async (t) => {
  const entries = parseMountinfo(fixture('mountinfo-desktop-btrfs.txt'));
  t.equal(entries.length, 22);
  const list = mountListFromMountinfo(
    entries,
    resolver({
      '/dev/nvme0n1p3': { kind: 'block', major: 259, minor: 3 },
      '/dev/sdb1': { kind: 'block', major: 8, minor: 17 },
    }),
  );
  t.same(
    list.map((m) => [m.dirname, m.devtype, `${m.devmajor}:${m.devminor}`]),
    [
      ['/', 'btrfs', '259:3'], // major 0 resolved through stat of the source
      // /home is another subvolume of the same btrfs: duplicate 259:3, dropped
      ['/boot', 'ext4', '259:2'],
      ['/boot/efi', 'vfat', '259:1'],
      ['/mnt/My Data', 'ext4', '259:4'],
      // '/home/alice/Photos (bind)' is a bind of 259:4: dropped
      ['/var/lib/snapd/snap/core22/1380', 'squashfs', '7:0'],
      ['/mnt/back\\slash\ttab', 'btrfs', '8:17'],
      // /mnt/gone: btrfs whose source cannot be stat'ed: skipped
      ['/run/media/alice/USB€STICK', 'exfat', '8:33'],
    ],
  );
});

t.test('container: overlay root and pseudo filesystems skipped, one entry per host device', async (t) => {
  const list = mountListFromMountinfo(parseMountinfo(fixture('mountinfo-container.txt')), none);
  t.same(
    list.map((m) => [m.dirname, m.devtype, m.source, `${m.devmajor}:${m.devminor}`]),
    [
      ['/etc/resolv.conf', 'ext4', '/dev/sda1', '8:1'],
      ['/data', 'xfs', '/dev/sdb', '8:16'],
    ],
  );
});

t.test('a btrfs source that is not a block device is skipped', async (t) => {
  const text = '30 1 0:40 / /x rw - btrfs /some/file rw\n';
  t.same(mountListFromMountinfo(parseMountinfo(text), resolver({ '/some/file': { kind: 'other' } })), []);
});

t.test('malformed mountinfo lines are skipped, never fatal', async (t) => {
  const text = [
    'garbage',
    '',
    '1 2 8:1 / /no-separator rw ext4 /dev/sda1 rw',
    'x y 8:1 / /bad-ids rw - ext4 /dev/sda1 rw',
    '1 2 8-1 / /bad-devno rw - ext4 /dev/sda1 rw',
    '1 2 8:1 / rw - ext4 /dev/sda1 rw',
    '5 1 8:2 / /ok rw,relatime shared:1 master:2 - ext4 /dev/sda2 rw',
    '6 1 8:3 / /no-source rw -  ',
  ].join('\n');
  const entries = parseMountinfo(text);
  t.same(
    entries.map((e) => e.mountPoint),
    ['/ok'],
  );
  t.equal(entries[0]!.source, '/dev/sda2', 'optional fields before the separator are skipped');
});

t.test('mtab fallback: pseudo, network, cifs/smbfs and directory sources skipped', async (t) => {
  const entries = parseProcMounts(fixture('mounts-fallback.txt'));
  t.equal(entries.length, 12);
  const list = mountListFromMtab(
    entries,
    resolver({
      '/dev/sda1': { kind: 'block', major: 8, minor: 1 },
      '/dev/sda2': { kind: 'block', major: 8, minor: 2 },
      '/dev/sdb1': { kind: 'block', major: 8, minor: 17 },
      '/srv/data': { kind: 'dir' },
      '/dev/fake': { kind: 'block', major: 9, minor: 9 },
    }),
  );
  t.same(
    list.map((m) => [m.dirname, `${m.devmajor}:${m.devminor}`]),
    [
      ['/', '8:1'],
      ['/home', '8:2'],
      ['/mnt/back up', '8:17'],
      // /mnt/again repeats 8:1
      ['/mnt/gone', '0:0'], // unresolvable source kept, like upstream
    ],
  );
});

t.test('splitDev follows glibc major/minor encoding', async (t) => {
  t.same(splitDev(0xfe00), { major: 254, minor: 0 });
  t.same(splitDev(1792), { major: 7, minor: 0 });
  t.same(splitDev(0x10301), { major: 259, minor: 1 });
  // major 4095+1 and a minor above 255 use the high bits
  t.same(splitDev((4096n << 32n) | (0x1n << 20n) | 0x5n), { major: 4096, minor: 0x105 });
});
