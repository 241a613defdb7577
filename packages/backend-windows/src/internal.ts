// @qga/backend-windows/internal: the Windows service plumbing the qga program
// (@qga/agent) uses. No semver promise (docs/public-api.md).
export type { ServiceBody } from './service/run-as-service.js';
export { runAsService } from './service/run-as-service.js';
export { installService, uninstallService, SERVICE_NAME, SERVICE_DISPLAY_NAME } from './service/service-install.js';
export { serviceCommandLine, withoutServiceOptions } from './service/service-command-line.js';
