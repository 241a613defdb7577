import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the guest needs from Debian's kernel package, cached between runs. */
export interface GuestKernel {
  /** Uncompressed ELF kernel: QEMU boots it directly (PVH), ~3 s faster under TCG than bzImage. */
  readonly vmlinux: string;
  /** Module files in load order (dependencies first). */
  readonly modules: readonly string[];
}

/** virtio-serial; 9p shares (host dirs in the guest) and overlayfs (the host's root as a Debian userland); vsock over the loopback transport (CID 1). */
const WANTED_MODULES = ['virtio_pci', 'virtio_console', '9pnet_virtio', '9p', 'overlay', 'vsock_loopback'];

function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The concrete package linux-image-amd64 points at (e.g. linux-image-6.1.0-56-amd64). */
function kernelPackage(): string {
  const out = run('apt-cache', ['depends', 'linux-image-amd64']);
  const m = /Depends:\s*(linux-image-\S+)/.exec(out);
  if (!m) throw new Error('cannot resolve linux-image-amd64 (run apt-get update first)');
  return m[1]!;
}

/** bzImage → vmlinux: find the xz payload and decompress it (the idea of the kernel's extract-vmlinux). */
function extractVmlinux(vmlinuz: string, out: string): void {
  const image = readFileSync(vmlinuz);
  const magic = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
  for (let at = image.indexOf(magic); at >= 0; at = image.indexOf(magic, at + 1)) {
    // xz complains about the bytes after the stream but still writes the whole kernel.
    const r = spawnSync('xz', ['-dc'], { input: image.subarray(at), maxBuffer: 512 * 1024 * 1024 });
    if (r.stdout.length > 4 && r.stdout.subarray(0, 4).equals(Buffer.from('\x7fELF', 'latin1'))) {
      writeFileSync(out, r.stdout);
      return;
    }
  }
  throw new Error(`no xz-compressed ELF kernel found in ${vmlinuz}`);
}

function moduleDepends(ko: Buffer): string[] {
  const at = ko.indexOf('depends=');
  if (at < 0) return [];
  const end = ko.indexOf(0, at);
  const list = ko.subarray(at + 'depends='.length, end).toString('latin1');
  return list === '' ? [] : list.split(',');
}

function findModules(root: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ko')) found.set(name.slice(0, -3).replace(/-/g, '_'), p);
    }
  };
  walk(root);
  return found;
}

/** Downloads (once) Debian's current kernel and prepares vmlinux + the virtio modules in `cacheDir`. */
export function prepareGuestKernel(cacheDir: string): GuestKernel {
  const pkg = kernelPackage();
  const dir = join(cacheDir, pkg);
  const vmlinux = join(dir, 'vmlinux');
  const orderFile = join(dir, 'modules.order');
  if (existsSync(vmlinux) && existsSync(orderFile)) {
    const names = readFileSync(orderFile, 'utf8').split('\n').filter(Boolean);
    // A cache made for a shorter module list is rebuilt.
    if (WANTED_MODULES.every((m) => names.includes(`${m}.ko`))) return { vmlinux, modules: names.map((m) => join(dir, 'modules', m)) };
  }
  mkdirSync(dir, { recursive: true });
  // Several VM test files may prepare the cache at once: each works in its own dir and renames finished files into place.
  const work = join(dir, `work-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  run('apt-get', ['download', pkg], work);
  const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download ${pkg} produced no .deb`);
  run('dpkg-deb', ['-x', deb, 'root'], work);
  const boot = join(work, 'root', 'boot');
  const vmlinuz = readdirSync(boot).find((f) => f.startsWith('vmlinuz'));
  if (!vmlinuz) throw new Error('kernel package has no vmlinuz');
  extractVmlinux(join(boot, vmlinuz), join(work, 'vmlinux'));
  renameSync(join(work, 'vmlinux'), vmlinux);

  const available = findModules(join(work, 'root', 'lib', 'modules'));
  const order: string[] = [];
  const visit = (name: string): void => {
    if (order.includes(name)) return;
    const path = available.get(name);
    if (!path) throw new Error(`module ${name} not in ${pkg}`);
    for (const dep of moduleDepends(readFileSync(path))) visit(dep);
    order.push(name);
  };
  WANTED_MODULES.forEach(visit);
  mkdirSync(join(dir, 'modules'), { recursive: true });
  for (const name of order) {
    copyFileSync(available.get(name)!, join(work, `${name}.ko`));
    renameSync(join(work, `${name}.ko`), join(dir, 'modules', `${name}.ko`));
  }
  writeFileSync(join(work, 'modules.order'), order.map((n) => `${n}.ko`).join('\n') + '\n');
  renameSync(join(work, 'modules.order'), orderFile);
  rmSync(work, { recursive: true, force: true });
  return { vmlinux, modules: order.map((n) => join(dir, 'modules', `${n}.ko`)) };
}
