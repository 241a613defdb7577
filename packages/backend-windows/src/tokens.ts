/**
 * The Windows backend's service identifiers: optional overrides, used by
 * tests to replace calls that cannot run under Wine.
 */
export const WINDOWS_TOKENS = {
  /** The code page child output is transcoded from (default: GetOEMCP(), the console's). */
  ExecCodePage: Symbol.for('qga.windows.ExecCodePage'),
  /** The NetUserSetInfo call; tests replace it (under Wine the real one aborts the process). */
  NetUserSetInfo: Symbol.for('qga.windows.NetUserSetInfo'),
  /** `PowerCalls`: the shutdown and suspend calls WindowsPower makes. */
  PowerCalls: Symbol.for('qga.windows.PowerCalls'),
  /** Path of w32tm.exe, which WindowsTime runs to resync the clock. */
  W32tmPath: Symbol.for('qga.windows.W32tmPath'),
} as const;
