export type { PowerOptions } from './power-options.js';
export type { ShutdownStep } from './shutdown-plan.js';
export type { SuspendNames } from './suspend-plan.js';
export { LinuxPower } from './linux-power.js';
export { powerOptions } from './power-options.js';
export { shutdownPlan, sysrqKeys, SHUTDOWN_MESSAGE } from './shutdown-plan.js';
export { suspendNames } from './suspend-plan.js';
