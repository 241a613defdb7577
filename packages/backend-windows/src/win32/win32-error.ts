import { win32 } from './win32-api.js';

const FORMAT_MESSAGE_FROM_SYSTEM = 0x1000;
const FORMAT_MESSAGE_IGNORE_INSERTS = 0x200;

/** The system's text for a Win32 error code, without the trailing line break (GLib's g_win32_error_message). */
export function win32ErrorMessage(code: number): string {
  const api = win32();
  const buf = Buffer.alloc(1024);
  const n = api.FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, null, code >>> 0, 0, buf, 512, null);
  if (n === 0) return `error ${code}`;
  return buf.toString('utf16le', 0, n * 2).replace(/[\r\n]+$/, '');
}

/** An Error for a failed Win32 call, carrying the code (tests and callers map it). */
export class Win32Error extends Error {
  constructor(
    readonly call: string,
    readonly code: number,
  ) {
    super(`${call} failed: ${win32ErrorMessage(code)} (${code})`);
    this.name = 'Win32Error';
  }
}

/** Throws a Win32Error with GetLastError() when `ok` is 0/false. */
export function check(call: string, ok: number | boolean): void {
  if (!ok) throw new Win32Error(call, win32().GetLastError());
}
