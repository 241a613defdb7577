import { readFileSync, statSync } from 'node:fs';
import { keptOpenFiles } from '../proc/kept-open-files.js';
import { QgaError } from '@qga/core';
import { mountListFromMountinfo, mountListFromMtab } from './build-mount-list.js';
import { splitDev } from './dev-numbers.js';
import type { DeviceInfo, FsMount } from './fs-mount.js';
import { parseMountinfo, type MountinfoEntry } from './parse-mountinfo.js';
import { parseProcMounts } from './parse-proc-mounts.js';
import { TextMemo } from '../proc/text-memo.js';

export interface MountTablePaths {
  readonly mountinfo: string;
  readonly mounts: string;
}

export const PROC_MOUNT_TABLES: MountTablePaths = { mountinfo: '/proc/self/mountinfo', mounts: '/proc/self/mounts' };

/** stat() a mount source. Device nodes live in devtmpfs, so a synchronous stat cannot hang. */
export function statDevice(path: string): DeviceInfo | undefined {
  try {
    const st = statSync(path);
    if (st.isBlockDevice()) return { kind: 'block', ...splitDev(st.rdev) };
    if (st.isDirectory()) return { kind: 'dir' };
    return { kind: 'other' };
  } catch {
    return undefined;
  }
}

/** The parse of the last mountinfo text: the file is read (rendered afresh) every time, parsed only when it changed. */
const mountinfoMemo = new TextMemo<readonly MountinfoEntry[]>();

/** The local mount list, from mountinfo or (if that cannot be read) the mtab fallback. */
export async function readMountList(paths: MountTablePaths = PROC_MOUNT_TABLES): Promise<FsMount[]> {
  let mountinfo: string | undefined;
  try {
    mountinfo = keptOpenFiles.readText(paths.mountinfo); // procfs: answered from memory
  } catch {
    mountinfo = undefined;
  }
  if (mountinfo !== undefined) return mountListFromMountinfo(mountinfoMemo.get(mountinfo, parseMountinfo), statDevice);
  let mtab: string;
  try {
    mtab = readFileSync(paths.mounts, 'utf8');
  } catch {
    throw new QgaError(`failed to open mtab file: '${paths.mounts}'`);
  }
  return mountListFromMtab(parseProcMounts(mtab), statDevice);
}
