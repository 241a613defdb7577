/** 100 ns intervals between 1601-01-01 (FILETIME's epoch) and 1970-01-01. */
export const FILETIME_UNIX_EPOCH = 116444736000000000n;

/** FILETIME (100 ns since 1601) → ns since the Unix epoch. */
export function fileTimeToUnixNs(fileTime: bigint): bigint {
  return (fileTime - FILETIME_UNIX_EPOCH) * 100n;
}

/** ns since the Unix epoch → FILETIME (truncated to 100 ns). */
export function unixNsToFileTime(ns: bigint): bigint {
  return ns / 100n + FILETIME_UNIX_EPOCH;
}
