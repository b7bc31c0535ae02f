import { dirname, isAbsolute, resolve } from 'node:path';
import { ENVIRONMENT_TYPES, MlgymError, RUN_TYPES, RunConfigSchema } from '@mlgym/protocol';
import type { RunConfig } from '@mlgym/protocol';
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
  const data = source.data;
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
        expected: 'environment: {type: main_process | multiprocessing | distributed, config: …}',
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
  };
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
  const hint =
    type === 'accelerate'
      ? 'HuggingFace Accelerate does not exist for TensorFlow.js; use multiprocessing (one process per experiment) or distributed'
      : didYouMean(String(type), allowed);
  throw MlgymError.fromIssue(
    source.issue(code, [section, 'type'], {
      problem: `unknown ${section === 'environment' ? 'environment' : 'run'} type`,
      found: describeValue(type),
      expected: `one of ${allowed.join(', ')}`,
      hint,
    }),
  );
}
