import { MlgymError, RunConfigSchema, RunInfoSchema } from '@mlgym/protocol';
import type { RunInfo, TrainingSettings } from '@mlgym/protocol';
import type { GridSearchStore } from '@mlgym/storage';
import type { LoadedRunConfig } from '../config/loadRunConfig.js';
import { resolveAgainst } from '../config/loadRunConfig.js';
import { YamlSource } from '../config/yamlSource.js';

const GRIDSEARCH_ID = ['run_configuration', 'config', 'gridsearch_id'];

export interface StoredSettings {
  settings: TrainingSettings;
  /** The whole `run_info.json` (empty for runs stored without one). */
  info: RunInfo;
  /** The file the settings came from, for messages. */
  file: string;
}

/** The stored run's settings: `run_info.json`, or for runs stored before they were recorded, `run_config.yml`. */
export async function storedSettings(
  run: LoadedRunConfig,
  store: GridSearchStore,
  gridSearchId: string,
  where: string,
): Promise<StoredSettings> {
  const infoText = await store.getConfig(gridSearchId, 'run_info.json');
  let info: RunInfo = {};
  if (infoText !== undefined) {
    const parsed = RunInfoSchema.safeParse(safeJson(infoText));
    if (!parsed.success) {
      throw MlgymError.fromIssue({
        code: 'STORAGE_CORRUPT',
        file: `${where}/${gridSearchId}/run_info.json`,
        problem: `unreadable run record: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      });
    }
    info = parsed.data;
    if (info.training) return { settings: info.training, info, file: `${where}/${gridSearchId}/run_info.json` };
  }
  const file = `${where}/${gridSearchId}/run_config.yml`;
  const text = await store.getConfig(gridSearchId, 'run_config.yml');
  if (text === undefined) {
    throw MlgymError.fromIssue(
      run.source.issue('NOT_FOUND', GRIDSEARCH_ID, {
        problem: `grid search "${gridSearchId}" has no stored run_config.yml in ${where}`,
        hint: 'Check the id against the folders of the event storage (or the REST endpoint) the run wrote to',
      }),
    );
  }
  const parsed = RunConfigSchema.safeParse(YamlSource.parse(text, file).data);
  const stored = parsed.success ? parsed.data : undefined;
  if (stored?.run_configuration.type !== 'train' || !stored.environment) {
    throw MlgymError.fromIssue({
      code: 'STORAGE_CORRUPT',
      file,
      problem: 'the stored run config is not a valid train run config, so the settings to continue with are unknown',
    });
  }
  const rc = stored.run_configuration.config;
  const baseDir = info.config_dir ?? '.';
  const settings: TrainingSettings = {
    num_epochs: rc.num_epochs,
    num_batches_per_epoch: rc.num_batches_per_epoch ?? null,
    seed: rc.seed ?? null,
    backend: stored.environment.config?.backend ?? 'auto',
    environment: stored.environment,
    plugins: (rc.plugins ?? []).map((p) => resolveAgainst(`${baseDir}/run_config.yml`, p)),
  };
  return { settings, info, file };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The backend each stored experiment last trained on (from its system_info.json). */
export async function trainedBackends(
  store: GridSearchStore,
  gridSearchId: string,
  ids: number[],
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const id of ids) {
    const info = safeJson((await store.getConfig(gridSearchId, 'system_info.json', id)) ?? 'null') as {
      tfjs_backend?: { backend?: string } | null;
    } | null;
    out.add(info?.tfjs_backend?.backend ?? 'unknown');
  }
  return out;
}
