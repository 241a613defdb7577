export { LinuxCpu } from './linux-cpu.js';
export { parseProcStat } from './proc-stat-parser.js';
export { vcpuIdsFromEntries, vcpuFromOnlineFile } from './vcpu-online.js';
