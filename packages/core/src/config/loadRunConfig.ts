import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { BackendSchema, ENVIRONMENT_TYPES, MlgymError, RUN_TYPES, RunConfigSchema } from '@mlgym/protocol';
import type { Environment, RunConfig } from '@mlgym/protocol';
import { describeValue, isPlainObject } from '../util/describeValue.js';
import { didYouMean } from '../util/nearest.js';
import { YamlSource } from './yamlSource.js';
import { zodToIssues } from './zodIssues.js';

/** A validated run config with every path resolved. */
export interface LoadedRunConfig {
  source: YamlSource;
  config: RunConfig;
  /** Absolute path of the gs config (train runs). */
  gsConfigPath?: string | undefined;
  /** Absolute path of the validation (CV / nested CV) config, when given. */
  validationConfigPath?: string | undefined;
  /** Absolute local event-storage folder, used when no logging servers are configured. */
  eventStoragePath: string;
  /** What the run says once in its output about how it reads this config (e.g. `accelerate`). */
  notices: string[];
}

/** Relative paths in a config file are relative to that file, not to the working directory. */
export function resolveAgainst(file: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dirname(file), path);
}

/** Loads `run_config.yml`, validating it fully before anything runs. */
export function loadRunConfig(path: string): LoadedRunConfig {
  return runConfigFromSource(YamlSource.load(path));
}

/** Validates a parsed run config (a file, or the one `mlgym run --resume` composes). */
export function runConfigFromSource(source: YamlSource): LoadedRunConfig {
  const notices: string[] = [];
  const data = accelerateAsLocal(source, notices);
  checkTypeKey(source, data, { section: 'run_configuration', allowed: RUN_TYPES, code: 'UNKNOWN_RUN_TYPE' });
  checkTypeKey(source, data, { section: 'environment', allowed: ENVIRONMENT_TYPES, code: 'UNKNOWN_ENVIRONMENT_TYPE' });
  const parsed = RunConfigSchema.safeParse(data);
  if (!parsed.success) {
    throw new MlgymError({
      code: 'CONFIG_INVALID',
      issues: zodToIssues(parsed.error, RunConfigSchema, data, { source }),
    });
  }
  const config = parsed.data;
  const run = config.run_configuration;
  if (run.type === 'train' && config.environment === undefined) {
    throw MlgymError.fromIssue(
      source.issue('CONFIG_INVALID', [], {
        keyPath: 'environment',
        problem: "required key is missing (only a warm start inherits the stored run's environment)",
        expected: 'environment: {type: main_process | multiprocessing | distributed | accelerate, config: …}',
      }),
    );
  }
  const logging = config.logging ?? undefined;
  return {
    source,
    config,
    gsConfigPath: run.type === 'train' ? resolveAgainst(source.file, run.config.gs_config_path) : undefined,
    validationConfigPath:
      run.type === 'train' && run.config.validation_config_path
        ? resolveAgainst(source.file, run.config.validation_config_path)
        : undefined,
    eventStoragePath: logging?.event_storage_path
      ? resolveAgainst(source.file, logging.event_storage_path)
      : resolve('event_storage'),
    notices,
  };
}

/**
 * The original's `accelerate` environment (HuggingFace Accelerate: one experiment at a time,
 * data-parallel over every GPU) does not read a config. TensorFlow.js has no data-parallel
 * training, so it runs one experiment per device instead: in this process (one device), or one
 * worker process per device listed in `computation_device_ids`.
 */
const AccelerateEnvironmentSchema = z.strictObject({
  type: z.literal('accelerate'),
  config: z
    .strictObject({
      computation_device_ids: z.array(z.number().int().nonnegative()).optional(),
      process_count: z
        .unknown()
        .refine(() => false, {
          message:
            'accelerate runs one experiment per device: the process count is the number of computation_device_ids',
        })
        .optional(),
      backend: BackendSchema.optional(),
    })
    .nullable()
    .optional(),
});

function accelerateAsLocal(source: YamlSource, notices: string[]): unknown {
  const data = source.data;
  if (!isPlainObject(data) || !isPlainObject(data['environment']) || data['environment']['type'] !== 'accelerate') {
    return data;
  }
  const parsed = AccelerateEnvironmentSchema.safeParse(data['environment']);
  if (!parsed.success) {
    throw new MlgymError({
      code: 'CONFIG_INVALID',
      issues: zodToIssues(parsed.error, AccelerateEnvironmentSchema, data['environment'], {
        source,
        basePath: ['environment'],
      }),
    });
  }
  const devices = parsed.data.config?.computation_device_ids ?? [];
  const backend = parsed.data.config?.backend;
  const environment: Environment =
    devices.length > 1
      ? {
          type: 'multiprocessing',
          config: { process_count: devices.length, computation_device_ids: devices, ...(backend ? { backend } : {}) },
        }
      : {
          type: 'main_process',
          config: { computation_device_id: devices[0] ?? null, ...(backend ? { backend } : {}) },
        };
  notices.push(
    `environment accelerate: TensorFlow.js has no data-parallel training, so each experiment runs with the default trainer and evaluator on one device, ${
      devices.length > 1
        ? `${devices.length} at a time in worker processes (devices ${devices.join(', ')})`
        : 'one after another in this process'
    }`,
  );
  return { ...data, environment };
}

interface TypeKeySpec {
  section: 'run_configuration' | 'environment';
  allowed: readonly string[];
  code: 'UNKNOWN_RUN_TYPE' | 'UNKNOWN_ENVIRONMENT_TYPE';
}

/** A misspelt `type` gets its own error (the original silently treated any non-train type as a warm start). */
function checkTypeKey(source: YamlSource, data: unknown, { section, allowed, code }: TypeKeySpec): void {
  if (!isPlainObject(data)) {
    throw MlgymError.fromIssue(
      source.issue('CONFIG_INVALID', [], {
        problem: 'a run config must be a mapping with run_configuration, environment and (optionally) logging',
        found: describeValue(data),
      }),
    );
  }
  const block = data[section];
  if (!isPlainObject(block) || block['type'] === undefined) return; // the schema reports the missing key
  const type = block['type'];
  if (typeof type === 'string' && allowed.includes(type)) return;
  const hint = didYouMean(String(type), section === 'environment' ? [...allowed, 'accelerate'] : allowed);
  throw MlgymError.fromIssue(
    source.issue(code, [section, 'type'], {
      problem: `unknown ${section === 'environment' ? 'environment' : 'run'} type`,
      found: describeValue(type),
      expected: `one of ${allowed.join(', ')}${section === 'environment' ? ', accelerate' : ''}`,
      hint,
    }),
  );
}
