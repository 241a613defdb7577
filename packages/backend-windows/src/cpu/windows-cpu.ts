import { injectable } from 'inversify';
import { QgaError, type CpuPort, type GuestCpuStats, type GuestLogicalProcessor } from '@qga/core';
import { win32 } from '../win32/win32-api.js';
import { Win32Error } from '../win32/win32-error.js';
import { countLogicalProcessors } from './processor-records.js';

const RelationProcessorCore = 0;
const ERROR_INSUFFICIENT_BUFFER = 122;

/** guest-get-vcpus: every logical processor, numbered 0..n-1, online and not offlinable (Windows cannot). */
@injectable()
export class WindowsCpu implements CpuPort {
  async vcpus(): Promise<GuestLogicalProcessor[]> {
    const api = win32();
    const size: [number] = [0];
    api.GetLogicalProcessorInformationEx(RelationProcessorCore, null, size);
    if (api.GetLastError() !== ERROR_INSUFFICIENT_BUFFER) throw new Win32Error('GetLogicalProcessorInformationEx', api.GetLastError());
    const buf = Buffer.alloc(size[0]);
    if (!api.GetLogicalProcessorInformationEx(RelationProcessorCore, buf, size))
      throw new Win32Error('GetLogicalProcessorInformationEx', api.GetLastError());
    const n = countLogicalProcessors(buf, size[0]);
    return Array.from({ length: n }, (_, i) => ({ 'logical-id': i, online: true, 'can-offline': false }));
  }

  async setOnline(): Promise<void> {
    throw new QgaError('guest-set-vcpus is not available on Windows');
  }

  async stats(): Promise<GuestCpuStats[]> {
    throw new QgaError('guest-get-cpustats is not available on Windows');
  }
}
