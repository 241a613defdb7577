export type { TimeOptions } from './time-options.js';
export { LinuxTime } from './linux-time.js';
export { timeOptions } from './time-options.js';
export { WallClock } from './wall-clock.js';
