import { injectable } from 'inversify';
import type { DevicesPort, GuestDeviceInfo } from '@qga/core';
import { win32, type Handle } from '../win32/win32-api.js';
import { Win32Error } from '../win32/win32-error.js';
import { fileTimeToUnixNs } from '../win32/file-time.js';
import { readMultiWide, readWide } from '../win32/wide-string.js';
import { devPropKey, virtioPciId } from './pci-hardware-id.js';

const DIGCF_PRESENT = 0x2;
const DIGCF_ALLCLASSES = 0x4;
const SPDRP_DEVICEDESC = 0;
const SPDRP_HARDWAREID = 1;
const SP_DEVINFO_DATA_SIZE = 32;
const DEVPROP_TYPE_FILETIME = 0x10;
const DEVPROP_TYPE_STRING = 0x12;
const DRIVER_PROPS = '{a8b865dd-2e3d-4094-ad97-e593a70c75d6}';
const DEVPKEY_Device_DriverDate = devPropKey(DRIVER_PROPS, 2);
const DEVPKEY_Device_DriverVersion = devPropKey(DRIVER_PROPS, 3);

/** guest-get-devices: present virtio/QEMU PCI devices with their driver (SetupAPI). */
@injectable()
export class WindowsDevices implements DevicesPort {
  async devices(): Promise<GuestDeviceInfo[]> {
    const api = win32();
    const set = api.SetupDiGetClassDevsW(null, null, 0, DIGCF_PRESENT | DIGCF_ALLCLASSES);
    if (set === -1) throw new Win32Error('SetupDiGetClassDevsW', api.GetLastError());
    const devices: GuestDeviceInfo[] = [];
    try {
      const data = Buffer.alloc(SP_DEVINFO_DATA_SIZE);
      for (let i = 0; ; i++) {
        data.fill(0);
        data.writeUInt32LE(SP_DEVINFO_DATA_SIZE, 0);
        if (!api.SetupDiEnumDeviceInfo(set, i, data)) break;
        const ids = registryProperty(set, data, SPDRP_HARDWAREID);
        const pci = ids ? virtioPciId(readMultiWide(ids)) : undefined;
        if (!pci) continue;
        const description = registryProperty(set, data, SPDRP_DEVICEDESC);
        const date = deviceProperty(set, data, DEVPKEY_Device_DriverDate, DEVPROP_TYPE_FILETIME);
        const version = deviceProperty(set, data, DEVPKEY_Device_DriverVersion, DEVPROP_TYPE_STRING);
        devices.push({
          'driver-name': description ? readWide(description) : '',
          ...(date && date.length >= 8 && { 'driver-date': fileTimeToUnixNs(date.readBigUInt64LE(0)) }),
          ...(version && { 'driver-version': readWide(version) }),
          id: { type: 'pci', 'vendor-id': pci.vendor, 'device-id': pci.device },
        });
      }
    } finally {
      api.SetupDiDestroyDeviceInfoList(set);
    }
    return devices;
  }
}

function registryProperty(set: Handle, data: Buffer, property: number): Buffer | undefined {
  const buf = Buffer.alloc(4096);
  const required: [number] = [0];
  return win32().SetupDiGetDeviceRegistryPropertyW(set, data, property, null, buf, buf.length, required)
    ? buf.subarray(0, required[0])
    : undefined;
}

function deviceProperty(set: Handle, data: Buffer, key: Buffer, expectedType: number): Buffer | undefined {
  const buf = Buffer.alloc(1024);
  const type: [number] = [0];
  const required: [number] = [0];
  if (!win32().SetupDiGetDevicePropertyW(set, data, key, type, buf, buf.length, required, 0)) return undefined;
  return type[0] === expectedType ? buf.subarray(0, required[0]) : undefined;
}
