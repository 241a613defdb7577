import { createWriteStream, createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { QgaClient } from '../../client/qga-client.js';
import { isMissingCommand } from '../../ops/guest-process.js';
import { pullFile } from '../../ops/pull-file.js';
import { pushFile } from '../../ops/push-file.js';
import { VERIFIED_CHUNK_MAX } from '../../ops/transfer-progress.js';
import { formatJsonOutput } from '../format/format-json-output.js';
import { ProgressBar } from '../progress-bar.js';
import { splitSubcommandArgs } from '../split-subcommand-args.js';
import type { Subcommand, SubcommandContext } from '../subcommand.js';
import { UsageError } from '../usage-error.js';
import { writeOut } from '../write-out.js';

function chunkOption(options: Map<string, string[]>): number | undefined {
  const text = options.get('--chunk-mib')?.at(-1);
  if (text === undefined) return undefined;
  const bytes = Math.round(Number(text) * 1024 * 1024);
  if (!Number.isFinite(bytes) || bytes < 1 || bytes > VERIFIED_CHUNK_MAX)
    throw new UsageError(`--chunk-mib expects a size in MiB up to ${VERIFIED_CHUNK_MAX / 1024 / 1024}`);
  return bytes;
}

async function report(
  ctx: SubcommandContext,
  bar: ProgressBar,
  result: { path: string; size: number; sha256?: string; resumedFrom: number },
): Promise<number> {
  bar.finish(result.sha256 !== undefined ? 'verified (SHA-256)' : 'done (not verified)');
  if (ctx.json) {
    await writeOut(
      ctx.io.stdout,
      formatJsonOutput({
        path: result.path,
        bytes: result.size,
        ...(result.sha256 !== undefined ? { sha256: result.sha256 } : {}),
        'resumed-from': result.resumedFrom,
      }),
    );
  }
  return 0;
}

/** A failed transfer ends the progress line before the error is printed. */
async function withBar<T>(bar: ProgressBar, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    bar.abandon();
    throw err;
  }
}

/** pull [--no-resume] [--chunk-mib N] REMOTE [LOCAL]: verified, resumable download. */
export const pull: Subcommand = (args, ctx) => {
  const { options, operands } = splitSubcommandArgs(args, ['--chunk-mib'], ['--no-resume']);
  if (operands.length < 1 || operands.length > 2) throw new UsageError('usage: pull [--no-resume] [--chunk-mib N] REMOTE [LOCAL]');
  const remote = operands[0] as string;
  const local = operands[1] ?? basename(remote);
  const chunkSize = chunkOption(options);
  if (local === '') throw new UsageError('pull: give a local file name');
  return async (client: QgaClient) => {
    const bar = new ProgressBar(ctx.io.stderr, `pull ${remote}`);
    try {
      const r = await withBar(bar, () =>
        pullFile(client, remote, local, {
          resume: !options.has('--no-resume'),
          onProgress: bar.update,
          ...(chunkSize !== undefined ? { chunkSize } : {}),
        }),
      );
      if (r.resumedFrom > 0 && !ctx.json) ctx.io.stderr.write(`qga-client: resumed ${remote} at byte ${r.resumedFrom}\n`);
      return await report(ctx, bar, { path: local, size: r.size, sha256: r.sha256, resumedFrom: r.resumedFrom });
    } catch (err) {
      if (!isMissingCommand(err)) throw err;
      ctx.io.stderr.write(
        'qga-client: warning: the agent has no __org.qga_file-* commands (@qga/plugin-files); plain guest-file-read, without verification or resume\n',
      );
      await pipeline(async function* () {
        for await (const chunk of client.readFileChunks(remote)) yield chunk;
      }, createWriteStream(local));
      return report(ctx, bar, { path: local, size: statSync(local).size, resumedFrom: 0 });
    }
  };
};

/** push [--no-resume] [--preserve] [--mode OCTAL] [--chunk-mib N] LOCAL REMOTE: verified, resumable, atomic upload. */
export const push: Subcommand = (args, ctx) => {
  const { options, operands } = splitSubcommandArgs(args, ['--chunk-mib', '--mode'], ['--no-resume', '--preserve']);
  if (operands.length !== 2) throw new UsageError('usage: push [--no-resume] [--preserve] [--mode OCTAL] [--chunk-mib N] LOCAL REMOTE');
  const [local, remote] = operands as [string, string];
  const chunkSize = chunkOption(options);
  let st;
  try {
    st = statSync(local);
  } catch (err) {
    throw new UsageError(`cannot read ${local}: ${(err as Error).message}`);
  }
  if (!st.isFile()) throw new UsageError(`${local} is not a regular file`);
  const modeText = options.get('--mode')?.at(-1);
  if (modeText !== undefined && !/^[0-7]{1,4}$/.test(modeText)) throw new UsageError('--mode expects an octal mode such as 644');
  const preserve = options.has('--preserve');
  const mode = modeText !== undefined ? parseInt(modeText, 8) : preserve ? st.mode & 0o7777 : undefined;
  return async (client: QgaClient) => {
    const bar = new ProgressBar(ctx.io.stderr, `push ${local}`);
    try {
      const r = await withBar(bar, () =>
        pushFile(client, local, remote, {
          resume: !options.has('--no-resume'),
          onProgress: bar.update,
          ...(chunkSize !== undefined ? { chunkSize } : {}),
          ...(mode !== undefined ? { mode } : {}),
          ...(preserve ? { uid: st.uid, gid: st.gid } : {}),
        }),
      );
      if (r.resumedFrom > 0 && !ctx.json) ctx.io.stderr.write(`qga-client: resumed ${remote} at byte ${r.resumedFrom}\n`);
      return await report(ctx, bar, { path: remote, size: r.size, sha256: r.sha256, resumedFrom: r.resumedFrom });
    } catch (err) {
      if (!isMissingCommand(err)) throw err;
      ctx.io.stderr.write(
        'qga-client: warning: the agent has no __org.qga_file-* commands (@qga/plugin-files); plain guest-file-write, without verification, resume or atomic replace\n',
      );
      const bytes = await client.writeFile(remote, createReadStream(local) as AsyncIterable<Buffer>);
      return report(ctx, bar, { path: remote, size: bytes, resumedFrom: 0 });
    }
  };
};
