import { injectable } from 'inversify';
import { QgaError, type GuestLoadAverage, type GuestOSInfo, type GuestTimezone, type SystemInfoPort } from '@qga/core';
import { win32 } from '../win32/win32-api.js';
import { check } from '../win32/win32-error.js';
import { readRegistryString } from '../win32/registry.js';
import { buildOsInfo, parseOsVersionInfo } from './os-info.js';
import { parseTimeZone } from './time-zone.js';
import { PdhLoadSampler } from './pdh-load-sampler.js';

const ComputerNameDnsHostname = 1;

/** Host name, osinfo and time zone straight from Win32. */
@injectable()
export class WindowsSystemInfo implements SystemInfoPort {
  async hostName(): Promise<string> {
    const api = win32();
    const buf = Buffer.alloc(2 * 256);
    const size: [number] = [256];
    check('GetComputerNameExW', api.GetComputerNameExW(ComputerNameDnsHostname, buf, size));
    return buf.toString('utf16le', 0, size[0] * 2);
  }

  async osInfo(): Promise<GuestOSInfo> {
    const api = win32();
    const version = Buffer.alloc(284);
    version.writeUInt32LE(284, 0);
    const status = api.RtlGetVersion(version);
    if (status !== 0) throw new QgaError(`failed to get Windows version: NTSTATUS 0x${(status >>> 0).toString(16)}`);
    const system = Buffer.alloc(64);
    api.GetNativeSystemInfo(system);
    const productName = readRegistryString('SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion', 'ProductName');
    return buildOsInfo({
      ...parseOsVersionInfo(version),
      processorArchitecture: system.readUInt16LE(0),
      ...(productName !== undefined && { productName }),
    });
  }

  async timezone(): Promise<GuestTimezone> {
    const buf = Buffer.alloc(432);
    return parseTimeZone(buf, win32().GetDynamicTimeZoneInformation(buf));
  }

  private sampler?: PdhLoadSampler;

  async load(): Promise<GuestLoadAverage> {
    this.sampler ??= new PdhLoadSampler();
    return this.sampler.current();
  }
}
