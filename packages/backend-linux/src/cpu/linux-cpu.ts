import { constants } from 'node:fs';
import { existsSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { inject, injectable, optional } from 'inversify';
import { QgaError, type CpuPort, type GuestCpuStats, type GuestLogicalProcessor } from '@qga/core';
import { errorText, isEnoent } from '@qga/core/internal';
import { listDir, readText } from '../proc/fs-read.js';
import { keptOpenFiles } from '../proc/kept-open-files.js';
import { resolveInventoryConfig, type LinuxInventoryConfig, type LinuxInventoryOptions } from '../proc/inventory-config.js';
import { parseProcStat } from './proc-stat-parser.js';
import { vcpuFromOnlineFile, vcpuIdsFromEntries } from './vcpu-online.js';
import { LINUX_TOKENS } from '../tokens.js';

/** guest-get-vcpus, guest-set-vcpus (one cpu at a time) and guest-get-cpustats on Linux. */
@injectable()
export class LinuxCpu implements CpuPort {
  private readonly cfg: LinuxInventoryConfig;
  private clkTck: Promise<number> | undefined;

  constructor(@inject(LINUX_TOKENS.InventoryConfig) @optional() config?: LinuxInventoryOptions) {
    this.cfg = resolveInventoryConfig(config);
  }

  private get cpuDir(): string {
    return join(this.cfg.sysRoot, 'devices/system/cpu');
  }

  /** Error texts name the same paths upstream prints, e.g. `open("/sys/devices/system/cpu/cpu1//online")`. */
  private cpuPath(id: number): string {
    return `${this.cpuDir}/cpu${id}/`;
  }

  async vcpus(): Promise<GuestLogicalProcessor[]> {
    let names: string[];
    try {
      names = (await listDir(this.cpuDir)).map((e) => e.name);
    } catch (e) {
      throw new QgaError(`failed to list entries: ${this.cpuDir}: ${errorText(e)}`);
    }
    const ids = vcpuIdsFromEntries(names);
    // Readdir order, and the first failing cpu fails the whole command, as upstream.
    // Synchronous, one cpu after the other as upstream: sysfs answers from memory.
    return ids.map((id) => this.readVcpu(id));
  }

  private readVcpu(id: number): GuestLogicalProcessor {
    const dir = this.cpuPath(id);
    let text: string | undefined;
    try {
      text = keptOpenFiles.readTextIfExists(`${dir}/online`);
    } catch (e) {
      text = undefined;
      if (!isEnoent(e)) {
        this.checkDir(dir);
        throw new QgaError(`open("${dir}/online"): ${errorText(e)}`);
      }
    }
    if (text === undefined) {
      // Upstream opens the directory first; it came from readdir, so only look at it when `online` is missing.
      this.checkDir(dir);
      return vcpuFromOnlineFile(id, undefined);
    }
    if (text === '') throw new QgaError(`pread("${dir}/online"): unexpected EOF`);
    return vcpuFromOnlineFile(id, text);
  }

  private checkDir(dir: string): void {
    if (existsSync(dir)) return;
    try {
      statSync(dir);
    } catch (dirError) {
      throw new QgaError(`open("${dir}"): ${errorText(dirError)}`);
    }
  }

  async setOnline(logicalId: number, online: boolean): Promise<void> {
    const dir = this.cpuPath(logicalId);
    try {
      statSync(dir);
    } catch (e) {
      throw new QgaError(`open("${dir}"): ${errorText(e)}`);
    }
    const file = `${dir}/online`;
    let fh;
    try {
      fh = await open(file, constants.O_RDWR);
    } catch (e) {
      if (!isEnoent(e)) throw new QgaError(`open("${file}"): ${errorText(e)}`);
      if (!online) throw new QgaError(`logical processor #${logicalId} can't be offlined`);
      return; // no file: always online, so re-onlining succeeds
    }
    try {
      const buf = Buffer.alloc(1);
      let n: number;
      try {
        ({ bytesRead: n } = await fh.read(buf, 0, 1, 0));
      } catch (e) {
        throw new QgaError(`pread("${file}"): ${errorText(e)}`);
      }
      if (n === 0) throw new QgaError(`pread("${file}"): unexpected EOF`);
      const isOnline = buf[0] !== 0x30;
      if (isOnline === online) return;
      try {
        await fh.write(online ? '1' : '0', 0);
      } catch (e) {
        throw new QgaError(`pwrite("${file}"): ${errorText(e)}`);
      }
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  async stats(): Promise<GuestCpuStats[]> {
    const path = join(this.cfg.procRoot, 'stat');
    const [text, tck] = await Promise.all([
      readText(path).catch((e: unknown) => {
        throw new QgaError(`open("${path}"): ${errorText(e)}`);
      }),
      this.clockTicks(),
    ]);
    return parseProcStat(text, tck);
  }

  /** sysconf(_SC_CLK_TCK), asked once (it cannot change); 100 (the Linux USER_HZ everywhere) without the native layer. */
  clockTicks(): Promise<number> {
    if (this.clkTck === undefined) {
      let n: number;
      try {
        n = Number(this.cfg.clockTicks());
      } catch {
        n = 100;
      }
      this.clkTck = Promise.resolve(Number.isInteger(n) && n > 0 ? n : 100);
    }
    return this.clkTck;
  }
}
