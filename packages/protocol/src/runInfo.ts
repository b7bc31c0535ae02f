import { z } from 'zod';
import { BackendSchema, EnvironmentSchema } from './runConfig.js';
import { SearchSpecSchema } from './searchConfig.js';

/**
 * The settings a grid search trains with, as recorded in `<gs>/run_info.json` when it starts: a warm
 * start continues with exactly these unless its config overrides them (and refuses overrides that
 * would change the results).
 */
export const TrainingSettingsSchema = z.object({
  num_epochs: z.number().int().positive(),
  /** null: one pass over the train loader per epoch. */
  num_batches_per_epoch: z.number().int().positive().nullable(),
  /** null: no global seed. */
  seed: z.number().int().nonnegative().nullable(),
  /** The backend asked for (config or `--backend`), before `auto` is resolved. */
  backend: BackendSchema,
  environment: EnvironmentSchema,
  /** Absolute paths of the plugin modules. */
  plugins: z.array(z.string()),
  /** The search section (absent: every configuration trained to num_epochs). */
  search: SearchSpecSchema.optional(),
});

/** One continuation of the run, appended by every warm start. */
export const WarmStartRecordSchema = z.object({
  started_at: z.string(),
  num_epochs: z.number().int().positive(),
  num_batches_per_epoch: z.number().int().positive().nullable(),
  /** True when `allow_changed_batches` let the batches per epoch change. */
  changed_batches: z.boolean(),
});

/** `<gs>/run_info.json`. Runs stored before the settings were recorded have only `config_dir`. */
export const RunInfoSchema = z.looseObject({
  /** Where relative paths in component configs (CSV files) point, for warm starts started elsewhere. */
  config_dir: z.string().optional(),
  training: TrainingSettingsSchema.optional(),
  warm_starts: z.array(WarmStartRecordSchema).optional(),
});

export type TrainingSettings = z.infer<typeof TrainingSettingsSchema>;
export type WarmStartRecord = z.infer<typeof WarmStartRecordSchema>;
export type RunInfo = z.infer<typeof RunInfoSchema>;
