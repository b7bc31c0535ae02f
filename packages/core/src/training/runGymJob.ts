import { dirname } from 'node:path';
import type { Backend } from '@mlgym/protocol';
import { selectBackend } from '../backend/selectBackend.js';
import type { BackendRecord } from '../backend/selectBackend.js';
import { GYM_COMPONENTS, createDefaultRegistry } from '../components/createDefaultRegistry.js';
import type { YamlSource } from '../config/yamlSource.js';
import { systemInfo } from '../gym/systemInfo.js';
import { ComponentBuilder } from '../registry/componentBuilder.js';
import { ComponentGraph } from '../registry/componentGraph.js';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import { runExperiment } from './runExperiment.js';
import type { ExperimentComponents, ExperimentOutcome, RunExperimentOptions } from './runExperiment.js';

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
}

/** One experiment end to end: backend, component graph, training with checkpoints and events. */
export async function runGymJob(options: GymJobOptions): Promise<ExperimentOutcome & { backend: BackendRecord }> {
  const backend = await selectBackend(options.backend ?? 'auto');
  // The machine that trains (a worker's, not the launcher's) with its backend goes on the model card.
  await options.store.putConfig(
    options.gridSearchId,
    'system_info.json',
    JSON.stringify(systemInfo(backend, process.cwd())),
    options.experimentId,
  );
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
  const components = (await builder.buildAll()) as unknown as ExperimentComponents;
  try {
    // Everything but the build inputs goes on to the training loop.
    const { config: _c, backend: _b, seed: _s, registry: _r, source: _src, configDir: _d, ...training } = options;
    const outcome = await runExperiment({ ...training, components });
    return { ...outcome, backend };
  } finally {
    components.model.model.dispose();
  }
}
