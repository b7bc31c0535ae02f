import type { ValidationMode } from '@mlgym/protocol';
import type { LoadedGsConfig } from '../config/loadGsConfig.js';
import type { LoadedRunConfig } from '../config/loadRunConfig.js';
import type { LoadedValidationConfig } from '../config/loadValidationConfig.js';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import { inject } from '../registry/injector.js';
import { applyRandomSearch } from '../sweep/applyRandomSearch.js';
import type { SweepSite } from '../sweep/scanSweeps.js';
import { configHash } from '../util/canonicalJson.js';
import type { CanonicalMemo } from '../util/canonicalJson.js';
import { createPlanCheck, loadPlanInputs } from './planInputs.js';
import { formatKeyPath, valueAtPath } from '../util/describeValue.js';
import type { FoldDescriptor } from '../validation/foldDescriptors.js';

export interface PlannedExperiment {
  experiment_id: number;
  /** sha256 of the canonical JSON of `config`. */
  config_hash: string;
  /** The expanded experiment config (fold information injected for CV / nested CV). */
  config: Record<string, unknown>;
  /** Swept parameter (dotted path) → value in this experiment. */
  swept: Record<string, unknown>;
  /** Index of the grid configuration this experiment trains. */
  hyper_paramater_combination_id: number;
  /** Fold ids for CV / nested CV experiments. */
  fold?: Record<string, number> | undefined;
}

export interface ExperimentPlan {
  run: LoadedRunConfig;
  gs: LoadedGsConfig;
  validation?: LoadedValidationConfig | undefined;
  mode: ValidationMode;
  /** Number of configurations in the hyper-parameter grid. */
  gridSize: number;
  experiments: PlannedExperiment[];
  /** What the run says once about the components it uses (e.g. the ACCELERATE variants), without repeats. */
  notices: string[];
  /** What the experiments were made from, for searchers that propose configurations of their own (TPE). */
  template: PlanTemplate;
}

/** The expanded grid before random search (random sweep nodes still in place), the folds and the sweeps. */
export interface PlanTemplate {
  grid: Array<Record<string, unknown>>;
  folds: FoldDescriptor[];
  sites: SweepSite[];
}

/**
 * The experiments that train `configs` (hyper-parameter combinations `combination(c)`) on every fold: one per
 * config without validation; with CV, fold data injected, numbered fold-major (`id(fold, c)`, by default as the
 * original: fold × |configs| + c).
 */
export function instantiateExperiments(
  configs: ReadonlyArray<Record<string, unknown>>,
  template: Pick<PlanTemplate, 'folds' | 'sites'>,
  numbering: { id?: (fold: number, c: number) => number; combination?: (c: number) => number } = {},
): PlannedExperiment[] {
  const id = numbering.id ?? ((fold: number, c: number) => fold * configs.length + c);
  const combination = numbering.combination ?? ((c: number) => c);
  if (template.folds.length === 0)
    return configs.map((config, c) =>
      planned({ id: id(0, c), combination: combination(c), config, sites: template.sites }),
    );
  const out: PlannedExperiment[] = [];
  template.folds.forEach((descriptor, f) => {
    configs.forEach((config, c) => {
      const mapping = new Map<string, unknown>([
        ['id_experiment_id', id(f, c)],
        ['id_hyper_paramater_combination_id', combination(c)],
        ...Object.entries(descriptor.ids),
        ['id_split_indices', descriptor.splitIndices],
      ]);
      // Non-strict: placeholders the folds do not fill (collators, devices) are resolved at build time.
      const injected = inject(config, mapping).value;
      out.push(
        planned({
          id: id(f, c),
          combination: combination(c),
          config: injected,
          sites: template.sites,
          fold: descriptor.ids,
        }),
      );
    });
  });
  return out;
}

export interface PlanOptions {
  registry?: ComponentRegistry;
}

/**
 * Turns a train run config into the full, validated list of experiments: loads the gs config
 * (and validation config), checks sweeps, expands the grid, computes folds, numbers the
 * experiments as the original does, and validates every experiment's component graph.
 * (`planExperimentStream` does the same one experiment at a time.)
 */
type Mapping = Record<string, unknown>;

export async function planExperiments(run: LoadedRunConfig, options: PlanOptions = {}): Promise<ExperimentPlan> {
  const inputs = await loadPlanInputs(run, options);
  const { gs, validation, mode, registry } = inputs;
  const expanded = Array.from({ length: inputs.grid.size }, (_, i) => structuredClone(inputs.grid.at(i)) as Mapping);
  const grid = inputs.grid === inputs.configs ? expanded : applyRandomSearch(expanded);
  const template: PlanTemplate = { grid: expanded, folds: inputs.folds, sites: inputs.sites };
  const experiments = instantiateExperiments(grid, template);
  const check = createPlanCheck(gs, registry, grid[0] as Mapping);
  for (const experiment of experiments) check.add(experiment.config);
  check.throwIfAny();
  return { run, gs, validation, mode, gridSize: grid.length, experiments, notices: check.notices(), template };
}

export interface PlannedArgs {
  id: number;
  combination: number;
  config: Record<string, unknown>;
  sites: readonly SweepSite[];
  fold?: Record<string, number>;
}

export function planned(
  { id, combination, config, sites, fold }: PlannedArgs,
  memo?: CanonicalMemo,
): PlannedExperiment {
  const swept: Record<string, unknown> = {};
  for (const site of sites) {
    const value = valueAtPath(config, site.path);
    if (value !== undefined) swept[formatKeyPath(site.path)] = value;
  }
  return {
    experiment_id: id,
    config_hash: configHash(config, memo),
    config,
    swept,
    hyper_paramater_combination_id: combination,
    fold,
  };
}
