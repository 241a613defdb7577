import vm from 'node:vm';

/**
 * `import()` for the single executable. Node runs a SEA's main script without a
 * dynamic-import callback (`import(x)` fails with ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING),
 * so compile a one-line importer that uses the main context's default ESM loader:
 * plugin files (file: URLs) load as in the unbundled program, module.register hooks included.
 */
const importer = new vm.Script('(url) => import(url)', {
  filename: 'qga-plugin-import',
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
}).runInThisContext() as (url: string) => Promise<Record<string, unknown>>;

/** Node flags that constant as experimental (once, on first use): not the user's concern. */
const QUIET = 'USE_MAIN_CONTEXT_DEFAULT_LOADER';

export function importModule(url: string): Promise<Record<string, unknown>> {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]): void {
    if (String(typeof warning === 'string' ? warning : warning.message).includes(QUIET)) return;
    (emitWarning as (...a: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return importer(url); // the warning is emitted synchronously, inside this call
  } finally {
    process.emitWarning = emitWarning;
  }
}
