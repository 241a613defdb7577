import { formatAddress } from '../../address/parse-address.js';
import type { JsonValue } from '../../json/json-value.js';
import { formatInfo } from '../format/format-info.js';
import { formatInterfaces } from '../format/format-interfaces.js';
import { formatKeyValues } from '../format/format-key-values.js';
import { formatJsonOutput } from '../format/format-json-output.js';
import type { Subcommand, SubcommandContext } from '../subcommand.js';
import { UsageError } from '../usage-error.js';
import { writeOut } from '../write-out.js';

function noOperands(name: string, args: readonly string[]): void {
  if (args.length > 0) throw new UsageError(`${name} takes no arguments`);
}

async function print(ctx: SubcommandContext, value: JsonValue, human: () => string): Promise<number> {
  await writeOut(ctx.io.stdout, ctx.json ? formatJsonOutput(value) : human());
  return 0;
}

export const ping: Subcommand = (args, ctx) => {
  noOperands('ping', args);
  return async (client) => {
    const started = process.hrtime.bigint();
    await client.ping();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    return print(
      ctx,
      { 'round-trip-ms': Math.round(ms * 1000) / 1000 },
      () => `the agent at ${formatAddress(client.address)} answered in ${ms.toFixed(1)} ms\n`,
    );
  };
};

export const info: Subcommand = (args, ctx) => {
  noOperands('info', args);
  return async (client) => {
    const result = await client.info();
    return print(ctx, result as unknown as JsonValue, () => formatInfo(result));
  };
};

export const ifconfig: Subcommand = (args, ctx) => {
  noOperands('ifconfig', args);
  return async (client) => {
    const result = await client.interfaces();
    return print(ctx, result as unknown as JsonValue, () => formatInterfaces(result));
  };
};

export const hostname: Subcommand = (args, ctx) => {
  noOperands('hostname', args);
  return async (client) => {
    const name = await client.hostname();
    return print(ctx, { 'host-name': name }, () => `${name}\n`);
  };
};

export const osinfo: Subcommand = (args, ctx) => {
  noOperands('osinfo', args);
  return async (client) => {
    const result = await client.osinfo();
    return print(ctx, result as unknown as JsonValue, () => formatKeyValues(result as unknown as Record<string, JsonValue>));
  };
};

export const timezone: Subcommand = (args, ctx) => {
  noOperands('timezone', args);
  return async (client) => {
    const result = await client.timezone();
    return print(ctx, result as unknown as JsonValue, () => formatKeyValues(result as unknown as Record<string, JsonValue>));
  };
};

export const time: Subcommand = (args, ctx) => {
  noOperands('time', args);
  return async (client) => {
    const ns = await client.time();
    const iso = new Date(Number(ns / 1_000_000n)).toISOString();
    return print(ctx, ns, () => `${ns} (${iso})\n`);
  };
};
