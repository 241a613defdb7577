import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** A tarball made by `npm pack`, with the package.json inside it. */
export interface Tarball {
  readonly file: string;
  readonly manifest: { name: string; version: string } & Record<string, unknown>;
}

export function readTarball(file: string): Tarball {
  const manifest = JSON.parse(execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' })) as Tarball['manifest'];
  return { file, manifest };
}

/**
 * A registry serving only the given tarballs, used as the registry of one scope
 * (`--@qga:registry=URL`): npm resolves `@qga/*` and the semver ranges between
 * them as it will once they are published, and everything else from its usual
 * registry. The URL carries a fresh random path, so npm's cache never serves an
 * earlier run's metadata for it.
 */
export class ScopedRegistry {
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(tarballs: readonly Tarball[]): Promise<ScopedRegistry> {
    const prefix = `/${randomBytes(6).toString('hex')}/`;
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`;
    const byName = new Map<string, Record<string, unknown>>();
    const files = new Map<string, Buffer>();
    for (const t of tarballs) {
      const data = readFileSync(t.file);
      const base = path.basename(t.file);
      files.set(base, data);
      const { name, version } = t.manifest;
      byName.set(name, {
        name,
        'dist-tags': { latest: version },
        versions: {
          [version]: {
            ...t.manifest,
            _id: `${name}@${version}`,
            dist: {
              tarball: `${url}-/${base}`,
              shasum: createHash('sha1').update(data).digest('hex'),
              integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
            },
          },
        },
      });
    }
    server.on('request', (req, res) => {
      const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const rest = p.startsWith(prefix) ? p.slice(prefix.length) : undefined;
      const tarball = rest?.startsWith('-/') ? files.get(rest.slice(2)) : undefined;
      const packument = rest !== undefined ? byName.get(rest) : undefined;
      if (tarball) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': tarball.length });
        res.end(tarball);
      } else if (packument) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(packument));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"not found"}');
      }
    });
    return new ScopedRegistry(server, url);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
