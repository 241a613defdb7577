/** How many hosts a listening transport serves at once unless told otherwise. */
export const DEFAULT_MAX_CLIENTS = 16;

export function validateMaxClients(value: number, method: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${method}: maxClients must be a positive integer, got ${String(value)}`);
  return value;
}
