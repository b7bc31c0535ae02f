import { z } from 'zod';
import { MAX_TAGS_PER_EDIT, TagSchema } from './annotations.js';
import { SearchSpecSchema } from './searchConfig.js';

/** Compute backends a run may ask for; `auto` picks the fastest one installed. */
export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export const BackendSchema = z.enum(BACKENDS);
export type Backend = z.infer<typeof BackendSchema>;

const positiveInt = z.number().int().positive();
const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/]+(:\d+)?(\/.*)?$/, { error: 'expected an http(s) URL such as http://127.0.0.1:5002' });

/** `run_configuration` with `type: train`. */
export const TrainRunSchema = z.strictObject({
  type: z.literal('train'),
  config: z.strictObject({
    num_epochs: positiveInt,
    gs_config_path: z.string().min(1),
    num_batches_per_epoch: positiveInt.nullable().optional(),
    /** Cross-validation / nested-CV config (the original declared this but could never read it). */
    validation_config_path: z.string().min(1).nullable().optional(),
    /** Global seed; seeds every component that has no seed of its own. */
    seed: z.number().int().nonnegative().optional(),
    /** JavaScript modules exporting `register(registry)`: your own components, in every worker too. */
    plugins: z.array(z.string().min(1)).optional(),
    /**
     * How the configurations are searched: every one to num_epochs (grid, random: the default), or stopping
     * bad ones early (successive_halving, asha, hyperband, median_stopping, tpe).
     */
    search: SearchSpecSchema.optional(),
    /** Tags every experiment of the run starts with (MLboard, `mlgym tag`); they are annotations, editable later. */
    tags: z.array(TagSchema).max(MAX_TAGS_PER_EDIT).optional(),
  }),
});

/**
 * `run_configuration` with `type: warmstart`: continue an existing grid search. Everything left out is
 * inherited from the stored run (see `RunInfoSchema`); what is given must agree with it, except
 * `num_epochs` (raise it to extend) and `num_batches_per_epoch` together with `allow_changed_batches`.
 */
export const WarmStartRunSchema = z.strictObject({
  type: z.literal('warmstart'),
  config: z.strictObject({
    gridsearch_id: z.string().min(1),
    num_epochs: positiveInt.optional(),
    num_batches_per_epoch: positiveInt.nullable().optional(),
    /** Acknowledges that a changed `num_batches_per_epoch` ends elsewhere than an uninterrupted run. */
    allow_changed_batches: z.boolean().optional(),
    /** Accepted when it equals the stored seed (configs copied from the train run keep working). */
    seed: z.number().int().nonnegative().optional(),
    plugins: z.array(z.string().min(1)).optional(),
  }),
});

export const RUN_TYPES = ['train', 'warmstart'] as const;
export const RunConfigurationSchema = z.discriminatedUnion('type', [TrainRunSchema, WarmStartRunSchema]);

const backendField = { backend: BackendSchema.optional() };

export const MainProcessEnvironmentSchema = z.strictObject({
  type: z.literal('main_process'),
  config: z
    .strictObject({ computation_device_id: z.number().int().nonnegative().nullable().optional(), ...backendField })
    .optional(),
});

export const MultiprocessingEnvironmentSchema = z.strictObject({
  type: z.literal('multiprocessing'),
  config: z.strictObject({
    process_count: positiveInt,
    computation_device_ids: z.array(z.number().int().nonnegative()),
    /** Re-runs of a failed experiment, each from its last checkpoint. */
    max_retries: z.number().int().nonnegative().optional(),
    /** Run many experiments one after another in each worker process, each as isolated as in a fresh one. @default true */
    reuse_workers: z.boolean().optional(),
    /** Experiments a reused worker runs before a fresh process replaces it. @default 50 */
    max_jobs_per_worker: positiveInt.optional(),
    ...backendField,
  }),
});

export const DistributedEnvironmentSchema = z.strictObject({
  type: z.literal('distributed'),
  config: z.strictObject({
    redis_url: z.string().regex(/^rediss?:\/\//, { error: 'expected a redis URL such as redis://127.0.0.1:6379' }),
    queue_name: z.string().min(1).optional(),
    max_retries: z.number().int().nonnegative().optional(),
    /** Run many experiments one after another in each worker process, each as isolated as in a fresh one. @default true */
    reuse_workers: z.boolean().optional(),
    /** Experiments a reused worker runs before a fresh process replaces it. @default 50 */
    max_jobs_per_worker: positiveInt.optional(),
    ...backendField,
  }),
});

export const ENVIRONMENT_TYPES = ['main_process', 'multiprocessing', 'distributed'] as const;
export const EnvironmentSchema = z.discriminatedUnion('type', [
  MainProcessEnvironmentSchema,
  MultiprocessingEnvironmentSchema,
  DistributedEnvironmentSchema,
]);

export const LoggingSchema = z.strictObject({
  websocket_logging_servers: z.array(httpUrl).optional(),
  gs_rest_api_endpoint: httpUrl.nullable().optional(),
  /** Where events and checkpoints go when no server is configured. */
  event_storage_path: z.string().min(1).optional(),
  /**
   * Bearer token for both endpoints (ML_BOARD_AUTH_TOKEN when left out); needs the write scope. The copy of the run
   * config stored on the endpoints leaves it out.
   */
  auth_token: z
    .string()
    .min(1)
    .regex(/^\S+$/, { error: 'expected a token without whitespace (as ml_board_token prints it)' })
    .optional(),
  /** Seconds between `system_metrics` samples of each experiment (CPU, memory, tensors, load). 0: none. @default 10 */
  system_metrics_interval_s: z.number().nonnegative().max(86_400).optional(),
});

/** The whole `run_config.yml`. `logging` may be omitted: then everything is stored locally. */
export const RunConfigSchema = z.strictObject({
  run_configuration: RunConfigurationSchema,
  /** Required for train runs; a warm start inherits the stored run's when it is left out. */
  environment: EnvironmentSchema.optional(),
  logging: LoggingSchema.nullable().optional(),
});

export type RunConfig = z.infer<typeof RunConfigSchema>;
export type TrainRun = z.infer<typeof TrainRunSchema>;
export type WarmStartRun = z.infer<typeof WarmStartRunSchema>;
export type Environment = z.infer<typeof EnvironmentSchema>;
export type LoggingConfig = z.infer<typeof LoggingSchema>;
