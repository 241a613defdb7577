export type { PasswordOptions } from './password-options.js';
export { LinuxPassword } from './linux-password.js';
export { PASSWORD_OPTIONS, passwordOptions } from './password-options.js';
