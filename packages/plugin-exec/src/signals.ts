import { constants } from 'node:os';
import { QgaError } from '@qga/core';

const BY_NAME = constants.signals as Readonly<Record<string, number>>;

/** `SIGINT`, `INT`, `int` or `2` → 2; anything else is a QgaError. */
export function parseSignal(value: string): number {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    if (n >= 1 && n <= 64) return n;
  }
  const name = value.toUpperCase().startsWith('SIG') ? value.toUpperCase() : `SIG${value.toUpperCase()}`;
  const n = BY_NAME[name];
  if (n === undefined) throw new QgaError(`unknown signal '${value}'`);
  return n;
}

/** Node's signal name → number (0 when unknown). */
export function signalNumber(name: string): number {
  return BY_NAME[name] ?? 0;
}
