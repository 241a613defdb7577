export type { Inet6Entry } from './if-inet6-parser.js';
export type { LinkInfo, AddressInfo } from './interface-list.js';

export { LinuxNetwork } from './linux-network.js';
export { inet6Ntop, inet6FromHex } from './inet-ntop.js';
export { parseProcNetDev } from './proc-net-dev-parser.js';
export { parseIfInet6, orderLikeNetlink } from './if-inet6-parser.js';
export { fromIfAddrs } from './ifaddrs-list.js';
export { assembleInterfaces, ipv4MaskBits } from './interface-list.js';
export { hwAddressFromSysfs } from './hw-address.js';
export { globMatcher } from './name-glob.js';
export { parseRouteV4, parseRouteV6 } from './route-parser.js';
