/**
 * `import()` of a plugin's file URL. A file of its own so the single-executable
 * build (scripts/build-sea.mjs) can swap in sea/import-module.ts: a SEA's main
 * script has no dynamic-import callback of its own on Node 20/22.
 */
export function importModule(url: string): Promise<Record<string, unknown>> {
  return import(url) as Promise<Record<string, unknown>>;
}
