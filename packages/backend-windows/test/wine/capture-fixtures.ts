// Run once under Wine's node.exe to refresh the raw-buffer fixtures of the
// parser tests: node.exe capture-fixtures.js <fixtures dir>.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { win32, type Ptr } from '../../src/win32/win32-api.js';

const dir = process.argv[2] as string;
const api = win32();
const adapters = Buffer.alloc(64 * 1024);
const size: [number] = [adapters.length];
if (api.GetAdaptersAddresses(0, 0x80 | 0x2 | 0x4 | 0x8, null, adapters, size) !== 0) throw new Error('GetAdaptersAddresses failed');
writeFileSync(join(dir, 'adapters.bin'), adapters);
writeFileSync(join(dir, 'adapters.base.txt'), `${BigInt(api.koffi.address(adapters))}\n`);
const table: [Ptr] = [null];
if (api.GetIpForwardTable2(0, table) !== 0) throw new Error('GetIpForwardTable2 failed');
const n = Buffer.from(api.koffi.view(table[0], 4)).readUInt32LE(0);
writeFileSync(join(dir, 'forward-table.bin'), Buffer.from(api.koffi.view(table[0], 8 + n * 104)));
api.FreeMibTable(table[0]);
const cores = Buffer.alloc(4096);
const coresSize: [number] = [cores.length];
api.GetLogicalProcessorInformationEx(0, cores, coresSize);
writeFileSync(join(dir, 'processor-cores.bin'), cores.subarray(0, coresSize[0]));
process.exit(0);
