/** Strict number parsers shared by the command line and the config file (no `parseInt` leniency). */

/** Seconds, e.g. `600` or `0.5`; 0 is allowed (it disables the feature). */
export function parseSeconds(text: string): number | undefined {
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

export function parsePositiveInt(text: string): number | undefined {
  if (!/^\s*\d+\s*$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}
