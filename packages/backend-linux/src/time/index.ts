export type { TimeOptions } from './time-options.js';
export { LinuxTime } from './linux-time.js';
export { TIME_OPTIONS, timeOptions } from './time-options.js';
export { WallClock } from './wall-clock.js';
