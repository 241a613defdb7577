export type { PasswordOptions } from './password-options.js';
export { LinuxPassword } from './linux-password.js';
export { passwordOptions } from './password-options.js';
