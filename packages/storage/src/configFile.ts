import { MlgymError } from '@mlgym/protocol';
import { safeName } from './storageRoot.js';

/** Configs of a grid search the original stores in its folder (`<root>/<gs>/<name>`). */
export const GRID_SEARCH_CONFIGS = [
  'grid_search_config.yml',
  'run_config.yml',
  'validation_strategy_config.yml',
  'run_info.json',
] as const;
/** Configs of an experiment (`<root>/<gs>/<exp>/<name>`). */
export const EXPERIMENT_CONFIGS = ['experiment_config.json', 'system_info.json', 'model_summary.json'] as const;
/** Files the server writes itself: readable as configs, never writable. */
const SERVER_OWNED = ['model_card.json'] as const;
/** Any other `*.yml` / `*.yaml` / `*.json` name is a user config, kept apart from the store's own files. */
export const USER_CONFIG_DIR = 'configs';
const USER_CONFIG = /\.(ya?ml|json)$/;

/**
 * Where config `name` of a grid search (or of one of its experiments) lives, relative to that
 * folder. Names come from a closed list: the original's config names in place, other YAML/JSON
 * names under `configs/`; anything else (`event_storage.log`, its lock, `experiments`, `5`, …)
 * is refused, so a config upload can never replace a file the servers own.
 */
export function configSegments(name: unknown, level: 'grid_search' | 'experiment', access: 'read' | 'write'): string[] {
  const file = safeName(name, 'config_name');
  const known: readonly string[] = level === 'grid_search' ? GRID_SEARCH_CONFIGS : EXPERIMENT_CONFIGS;
  if (known.includes(file)) return [file];
  const owned = (SERVER_OWNED as readonly string[]).includes(file);
  if (owned && access === 'read' && level === 'experiment') return [file];
  if (!owned && USER_CONFIG.test(file)) return [USER_CONFIG_DIR, file];
  throw MlgymError.fromIssue({
    code: 'BAD_REQUEST',
    keyPath: 'config_name',
    problem: `${JSON.stringify(file)} is not a config name`,
    expected: `one of ${known.join(', ')}, or another name ending in .yml, .yaml or .json`,
  });
}
