import { register } from 'node:module';
import * as inversify from 'inversify';
import * as core from '@qga/core';

/**
 * The modules qga lends to plugins: a plugin's `import … from 'inversify'`
 * and `from '@qga/core'` get qga's own loaded copies, not whatever its
 * node_modules holds (or lacks: a plugin file dropped next to the bundle has
 * none). One copy at run time means `instanceof QgaError` (the error class a
 * command throws decides the reply's class), `instanceof ContainerModule` and
 * inversify's metadata all agree, in the bundle as in the unbundled program.
 * `reflect-metadata` is lent as an empty module: qga installed it already.
 */
const LENT: Readonly<Record<string, object>> = {
  inversify,
  '@qga/core': core,
  'reflect-metadata': {},
};

/** Where plugins' stand-in modules find qga's copies (documented for plugin authors). */
export const PLUGIN_HOST_KEY = 'qga.plugin-host';

// Module customization hooks (Node's module.register). They run in a loader
// thread, so they get the export names as data and generate, for each lent
// specifier, a module that re-exports the live objects from the global above.
const HOOKS = `
const SCHEME = 'qga-host:';
const KEY = ${JSON.stringify(PLUGIN_HOST_KEY)};
let names = {};
export function initialize(data) { names = data.names; }
export async function resolve(specifier, context, next) {
  if (Object.hasOwn(names, specifier)) return { url: SCHEME + encodeURIComponent(specifier), shortCircuit: true };
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (!url.startsWith(SCHEME)) return next(url, context);
  const specifier = decodeURIComponent(url.slice(SCHEME.length));
  const list = names[specifier];
  let source = 'const m = globalThis[Symbol.for(' + JSON.stringify(KEY) + ')][' + JSON.stringify(specifier) + '];\\n';
  if (list.length > 0) source += 'export const { ' + list.join(', ') + ' } = m;\\n';
  return { format: 'module', source, shortCircuit: true };
}
`;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
let lent = false;

/** Install the hooks once, before the first plugin is imported (costs a loader thread, ~50 ms). */
export function lendModulesToPlugins(): void {
  if (lent) return;
  lent = true;
  (globalThis as Record<symbol, unknown>)[Symbol.for(PLUGIN_HOST_KEY)] = LENT;
  const names = Object.fromEntries(
    Object.entries(LENT).map(([specifier, namespace]) => [
      specifier,
      Object.keys(namespace).filter((name) => IDENTIFIER.test(name) && name !== 'default'),
    ]),
  );
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, { data: { names } });
}
