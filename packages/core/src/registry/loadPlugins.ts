import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MlgymError } from '@mlgym/protocol';
import type { ComponentRegistry } from './componentRegistry.js';

/**
 * Imports component plugins: modules whose `register(registry)` (default or named export) adds
 * components, models or injectables. Paths are resolved against `baseDir`. The same absolute paths
 * are handed to pool and distributed workers, which load them before building anything.
 */
export async function loadPlugins(
  registry: ComponentRegistry,
  plugins: readonly string[],
  baseDir: string,
): Promise<string[]> {
  const absolute = plugins.map((p) => (isAbsolute(p) ? p : resolve(baseDir, p)));
  for (const file of absolute) {
    let mod: { register?: unknown; default?: unknown };
    try {
      mod = (await import(pathToFileURL(file).href)) as typeof mod;
    } catch (cause) {
      throw MlgymError.fromIssue(
        { code: 'CONFIG_FILE_NOT_FOUND', file, problem: `cannot load the plugin: ${(cause as Error).message}` },
        cause,
      );
    }
    const register =
      typeof mod.register === 'function'
        ? mod.register
        : typeof mod.default === 'function'
          ? mod.default
          : (mod.default as { register?: unknown } | undefined)?.register;
    if (typeof register !== 'function') {
      throw MlgymError.fromIssue({
        code: 'CONFIG_INVALID',
        file,
        problem: 'a plugin must export a function register(registry)',
        hint: 'export function register(registry) { registry.register(...) }',
      });
    }
    await (register as (r: ComponentRegistry) => unknown)(registry);
  }
  return absolute;
}
