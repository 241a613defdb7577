import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ContainerModule, type ContainerModuleLoadOptions } from 'inversify';
import { lendModulesToPlugins } from './plugin-host.js';
import { FIRST_PARTY_PLUGINS } from './first-party-plugins.js';
import { importModule } from './import-module.js';

/** A plugin that could not be used; the message is printed as `qga: <message>`. */
export class PluginError extends Error {
  override readonly name = 'PluginError';
}

/** What `container.load` needs from a module: inversify 8's ContainerModule, duck-typed. */
interface ContainerModuleLike {
  readonly id: number;
  load(options: ContainerModuleLoadOptions): void | Promise<void>;
}

function isContainerModule(value: unknown): value is ContainerModuleLike {
  if (value instanceof ContainerModule) return true;
  // Plugins get qga's inversify (plugin-host.ts), unless one bundled its own copy:
  // `instanceof` fails across copies, so recognise the shape instead.
  const candidate = value as Partial<ContainerModuleLike> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.load === 'function' && typeof candidate.id === 'number';
}

/**
 * Re-wrap a plugin's module in a ContainerModule of the inversify copy that
 * builds the agent: module ids come from a per-copy counter, so a foreign id
 * could equal one of the backend's. Loading stays synchronous: an async load
 * is refused with a message (createAgent uses the synchronous `container.load`).
 */
function adopt(module: ContainerModuleLike, where: string): ContainerModule {
  return new ContainerModule((options) => {
    let result: unknown;
    try {
      result = module.load(options);
    } catch (e) {
      throw new PluginError(`${where}: ${firstLine(e)}`);
    }
    if (result !== undefined && typeof (result as { then?: unknown }).then === 'function') {
      throw new PluginError(`${where}: its ContainerModule loads asynchronously, which qga does not support`);
    }
  });
}

/** default, then `plugin`, then `plugins` (an array): the first export that holds modules. */
function modulesOf(exports: Record<string, unknown>, where: string): ContainerModuleLike[] {
  for (const key of ['default', 'plugin', 'plugins'] as const) {
    const value = exports[key];
    if (isContainerModule(value)) return [value];
    if (Array.isArray(value) && value.length > 0) {
      const bad = value.findIndex((item) => !isContainerModule(item));
      if (bad >= 0) throw new PluginError(`${where}: export ${key}[${bad}] is not a ContainerModule`);
      return value as ContainerModuleLike[];
    }
  }
  throw new PluginError(`${where}: exports no ContainerModule (default, plugin or plugins)`);
}

/**
 * `--plugin PATH` / `plugins=`: import each ES module (absolute, or relative
 * to the working directory) in order and collect its ContainerModules. The
 * plugins' imports of inversify and @qga/core get qga's copies (plugin-host.ts).
 * Throws PluginError naming the first path that fails.
 */
export async function loadPlugins(paths: readonly string[], cwd: string = process.cwd()): Promise<ContainerModule[]> {
  const modules: ContainerModule[] = [];
  if (paths.length > 0) lendModulesToPlugins();
  for (const path of paths) {
    const where = `plugin ${path}`;
    let exports: Record<string, unknown>;
    try {
      const firstParty = FIRST_PARTY_PLUGINS[path];
      exports = firstParty ? await firstParty() : await importModule(pluginUrl(path, cwd));
    } catch (e) {
      throw new PluginError(`${where}: cannot load: ${importFailure(e)}`);
    }
    for (const module of modulesOf(exports, where)) modules.push(adopt(module, where));
  }
  return modules;
}

const PACKAGE_NAME = /^(?:@[\w.~-]+\/)?[\w.~-]+(?:\/[\w.~-]+)*$/;

/** A path (absolute, or from cwd), or else a package name resolved from cwd's node_modules. */
function pluginUrl(path: string, cwd: string): string {
  const file = resolvePath(cwd, path);
  if (existsSync(file) || !PACKAGE_NAME.test(path) || path.startsWith('.')) return pathToFileURL(file).href;
  return pathToFileURL(createRequire(join(cwd, 'noop.js')).resolve(path)).href;
}

/** Node's import error without "imported from <qga's importer>"; SyntaxError, TypeError… keep their name. */
function importFailure(e: unknown): string {
  const text = firstLine(e).replace(/ imported from [^']*$/, '');
  return e instanceof Error && e.name !== 'Error' ? `${e.name}: ${text}` : text;
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n', 1)[0] ?? text;
}
