import { dirname } from 'node:path';
import { MlgymError } from '@mlgym/protocol';
import type { Backend } from '@mlgym/protocol';
import { selectBackend } from '../backend/selectBackend.js';
import type { BackendRecord } from '../backend/selectBackend.js';
import { GYM_COMPONENTS, createDefaultRegistry } from '../components/createDefaultRegistry.js';
import type { YamlSource } from '../config/yamlSource.js';
import { systemInfo } from './systemInfo.js';
import { ComponentBuilder } from '../registry/componentBuilder.js';
import { ComponentGraph } from '../registry/componentGraph.js';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import { callbacksOf } from '../training/callbacksOf.js';
import { SystemMetricsReporter } from '../training/callbacks/systemMetricsReporter.js';
import { runExperiment } from '../training/runExperiment.js';
import type { ExperimentComponents, ExperimentOutcome, RunExperimentOptions } from '../training/runExperiment.js';

/** What `runExperiment` takes, with the experiment config in place of the built components. */
export interface GymJobOptions extends Omit<RunExperimentOptions, 'components'> {
  /** The expanded experiment config. */
  config: Record<string, unknown>;
  backend?: Backend | undefined;
  /** Global seed for components without their own. */
  seed?: number | undefined;
  registry?: ComponentRegistry | undefined;
  /** The gs config file, for error positions. */
  source?: YamlSource | undefined;
  /** Folder that relative paths in component configs (CSV files) are resolved against. */
  configDir?: string | undefined;
  /** Seconds between `system_metrics` samples (`logging.system_metrics_interval_s`); 0 or absent: none. */
  systemMetricsIntervalS?: number | undefined;
}

/** One experiment end to end: backend, component graph, training with checkpoints and events. */
export async function runGymJob(options: GymJobOptions): Promise<ExperimentOutcome & { backend: BackendRecord }> {
  const backend = await selectBackend(options.backend ?? 'auto');
  if (options.resume) await checkSameBackend(options, backend);
  // The machine that trains (a worker's, not the launcher's) with its backend goes on the model card; written
  // while the components are built (a durable write waits for the disk or the REST endpoint).
  const recorded = options.store.putConfig(
    options.gridSearchId,
    'system_info.json',
    JSON.stringify(systemInfo(backend, process.cwd())),
    options.experimentId,
  );
  // Awaited once the components are built; a failure before that must not leave the write's rejection unhandled.
  recorded.catch(() => undefined);
  const registry = options.registry ?? createDefaultRegistry();
  const requested = [...GYM_COMPONENTS.required, ...GYM_COMPONENTS.optional.filter((n) => n in options.config)];
  const graph = ComponentGraph.fromConfig(options.config, registry, { requested, source: options.source });
  const services = new Map<string, unknown>();
  const configDir = options.configDir ?? (options.source ? dirname(options.source.file) : undefined);
  if (configDir) services.set('configDir', configDir);
  const builder = new ComponentBuilder(graph, {
    gridSearchId: options.gridSearchId,
    experimentId: options.experimentId,
    seed: options.seed,
    services,
  });
  const built = await builder.buildAll().catch(async (error: unknown) => {
    await recorded.catch(() => undefined);
    throw error;
  });
  const components = built as unknown as ExperimentComponents;
  try {
    await recorded;
    // Everything but the build inputs goes on to the training loop.
    const { config: _c, backend: _b, seed: _s, registry: _r, source: _src, configDir: _d, ...rest } = options;
    const { systemMetricsIntervalS: intervalS = 0, ...training } = rest;
    const ids = { gridSearchId: options.gridSearchId, experimentId: options.experimentId };
    const callbacks = [
      ...callbacksOf(built['callbacks']),
      ...(options.callbacks ?? []),
      ...(intervalS > 0 ? [new SystemMetricsReporter(options.sink, ids, { intervalS, backend })] : []),
    ];
    const outcome = await runExperiment({ ...training, components, callbacks });
    return { ...outcome, backend };
  } finally {
    components.model.model.dispose();
  }
}

/**
 * A checkpoint continues only on the backend that wrote it: `auto` may pick another one on another
 * machine, and the continuation would then end elsewhere than an uninterrupted run.
 */
async function checkSameBackend(options: GymJobOptions, backend: BackendRecord): Promise<void> {
  const { store, gridSearchId, experimentId } = options;
  const text = await store.getConfig(gridSearchId, 'system_info.json', experimentId);
  let before: string | undefined;
  try {
    before = (JSON.parse(text ?? 'null') as { tfjs_backend?: { backend?: string } | null } | null)?.tfjs_backend
      ?.backend;
  } catch {
    before = undefined; // an unreadable record is replaced below
  }
  if (before === undefined || before === backend.backend) return;
  if ((await store.listCheckpoints(gridSearchId, experimentId)).length === 0) return; // a restart: nothing to continue
  throw MlgymError.fromIssue({
    code: 'CONFIG_INVALID',
    keyPath: 'environment.config.backend',
    problem: `experiment ${experimentId} trained on ${before} up to its last checkpoint, but this process selected ${backend.backend} (asked for ${options.backend ?? 'auto'}); continuing would change its results`,
    hint: `Resume it where ${before} is available (--backend ${before})`,
  });
}
