/** VMADDR_CID_ANY: accept connections addressed to any of this machine's CIDs. */
export const VSOCK_CID_ANY = 0xffffffff;

/** A vsock context id and port. */
export interface VsockAddress {
  readonly cid: number;
  readonly port: number;
}

const UINT32 = /^(0|[1-9][0-9]{0,9})$/;

function parseU32(text: string, what: string, input: string): number {
  const value = UINT32.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value > 0xffffffff) {
    throw new Error(`invalid vsock address '${input}': ${what} must be an unsigned 32-bit integer`);
  }
  return value;
}

/**
 * `<cid>:<port>` as given to `-p` with `-m vsock-listen` (decimal unsigned
 * 32-bit numbers). `-1` is accepted for the cid as a spelling of
 * VMADDR_CID_ANY.
 */
export function parseVsockAddress(input: string): VsockAddress {
  const text = input.trim().replace(/^vsock:/, '');
  const parts = text.split(':');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new Error(`invalid vsock address '${input}': expected <cid>:<port>`);
  }
  const cid = parts[0] === '-1' ? VSOCK_CID_ANY : parseU32(parts[0]!, 'cid', input);
  const port = parseU32(parts[1]!, 'port', input);
  return { cid, port };
}

export function validateVsockAddress(address: VsockAddress): VsockAddress {
  const text = `${String(address.cid)}:${String(address.port)}`;
  for (const [what, v] of [
    ['cid', address.cid],
    ['port', address.port],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new Error(`invalid vsock address '${text}': ${what} must be an unsigned 32-bit integer`);
    }
  }
  return address;
}
