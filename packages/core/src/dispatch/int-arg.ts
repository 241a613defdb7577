import { QgaError } from '../protocol/qga-error.js';

/** An `int` argument (a bigint from the validator) checked against a range, as a number; for commands, built-in or plugin. */
export function intArg(name: string, value: bigint | undefined, min: number, max: number): number | undefined;
export function intArg(name: string, value: bigint | undefined, min: number, max: number, fallback: number): number;
export function intArg(name: string, value: bigint | undefined, min: number, max: number, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  if (value < BigInt(min) || value > BigInt(max)) throw new QgaError(`Parameter '${name}' expects a value in ${min}..${max}`);
  return Number(value);
}
