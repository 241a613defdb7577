import type { SpawnedProcess } from '@qga/core';
import { lastValueFrom, toArray, type Observable } from 'rxjs';

async function collect(o: Observable<Uint8Array> | undefined): Promise<string | undefined> {
  if (o === undefined) return undefined;
  const chunks = await lastValueFrom(o.pipe(toArray()));
  return Buffer.concat(chunks).toString('utf8');
}

/** Wait for exit and EOF on every captured stream, like guest-exec-status would. */
export async function finish(p: SpawnedProcess): Promise<{ out?: string; err?: string; exitcode?: number; signal?: number }> {
  const [out, err, status] = await Promise.all([collect(p.stdout), collect(p.stderr), p.exit]);
  return {
    ...(out !== undefined ? { out } : {}),
    ...(err !== undefined ? { err } : {}),
    ...status,
  };
}
