/**
 * Plugins qga knows by name: compiled into the program (and the bundle), so
 * `--plugin=@qga/plugin-exec` or `plugins=@qga/plugin-files` works wherever
 * qga runs, with no node_modules beside it. Each is imported only when named.
 */
export const FIRST_PARTY_PLUGINS: Readonly<Record<string, () => Promise<Record<string, unknown>>>> = {
  '@qga/plugin-exec': () => import('@qga/plugin-exec'),
  '@qga/plugin-files': () => import('@qga/plugin-files'),
};
