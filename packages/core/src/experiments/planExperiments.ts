import { dirname } from 'node:path';
import { MlgymError } from '@mlgym/protocol';
import type { MlgymIssue, ValidationMode } from '@mlgym/protocol';
import { loadGsConfig } from '../config/loadGsConfig.js';
import type { LoadedGsConfig } from '../config/loadGsConfig.js';
import type { LoadedRunConfig } from '../config/loadRunConfig.js';
import { loadValidationConfig } from '../config/loadValidationConfig.js';
import type { LoadedValidationConfig } from '../config/loadValidationConfig.js';
import { GYM_COMPONENTS, createDefaultRegistry } from '../components/createDefaultRegistry.js';
import { columnOf, isDatasetIterator } from '../data/datasetIterator.js';
import { ComponentBuilder } from '../registry/componentBuilder.js';
import { ComponentGraph } from '../registry/componentGraph.js';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import { inject } from '../registry/injector.js';
import { applyRandomSearch } from '../sweep/applyRandomSearch.js';
import { expandGrid } from '../sweep/expandGrid.js';
import { scanSweeps } from '../sweep/scanSweeps.js';
import type { SweepSite } from '../sweep/scanSweeps.js';
import { configHash } from '../util/canonicalJson.js';
import { formatKeyPath, valueAtPath } from '../util/describeValue.js';
import { crossValidationFolds, nestedCrossValidationFolds } from '../validation/foldDescriptors.js';
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
 */
export async function planExperiments(run: LoadedRunConfig, options: PlanOptions = {}): Promise<ExperimentPlan> {
  if (!run.gsConfigPath) {
    throw MlgymError.fromIssue(
      run.source.issue('CONFIG_INVALID', ['run_configuration', 'type'], {
        problem: 'only train runs expand a grid; warm starts resume the experiments of an earlier grid search',
      }),
    );
  }
  const registry = options.registry ?? createDefaultRegistry();
  const gs = loadGsConfig(run.gsConfigPath, `${run.source.file} (run_configuration.config.gs_config_path)`);
  const scan = scanSweeps(gs.components, gs.source);
  if (scan.issues.length > 0) throw new MlgymError({ code: 'SWEEP_INVALID', issues: scan.issues });

  const expanded = expandGrid(gs.components);
  const grid = applyRandomSearch(expanded);
  if (grid.length === 0) {
    throw MlgymError.fromIssue(gs.source.issue('SWEEP_INVALID', [], { problem: 'the grid is empty' }));
  }
  const validation = run.validationConfigPath
    ? loadValidationConfig(
        run.validationConfigPath,
        `${run.source.file} (run_configuration.config.validation_config_path)`,
      )
    : undefined;
  const mode: ValidationMode = validation?.strategy.mode ?? 'GRID_SEARCH';
  const folds =
    !validation || validation.strategy.mode === 'GRID_SEARCH'
      ? []
      : await foldsFor({
          validation,
          gs,
          firstConfig: grid[0] as Record<string, unknown>,
          sites: scan.sites,
          registry,
        });
  const template: PlanTemplate = { grid: expanded, folds, sites: scan.sites };
  const experiments = instantiateExperiments(grid, template);

  const requested = [...GYM_COMPONENTS.required, ...GYM_COMPONENTS.optional.filter((n) => n in (grid[0] as object))];
  const issues: MlgymIssue[] = [];
  const notices = new Set<string>();
  for (const experiment of experiments) {
    try {
      const graph = ComponentGraph.fromConfig(experiment.config, registry, { source: gs.source, requested });
      for (const node of graph.nodes.values()) if (node.definition.notice) notices.add(node.definition.notice);
    } catch (error) {
      if (!(error instanceof MlgymError)) throw error;
      for (const issue of error.issues) {
        if (!issues.some((i) => i.keyPath === issue.keyPath && i.problem === issue.problem && i.found === issue.found))
          issues.push(issue);
      }
    }
  }
  if (issues.length > 0) throw new MlgymError({ code: (issues[0] as MlgymIssue).code, issues });
  return { run, gs, validation, mode, gridSize: grid.length, experiments, notices: [...notices], template };
}

interface PlannedArgs {
  id: number;
  combination: number;
  config: Record<string, unknown>;
  sites: readonly SweepSite[];
  fold?: Record<string, number>;
}

function planned({ id, combination, config, sites, fold }: PlannedArgs): PlannedExperiment {
  const swept: Record<string, unknown> = {};
  for (const site of sites) {
    const value = valueAtPath(config, site.path);
    if (value !== undefined) swept[formatKeyPath(site.path)] = value;
  }
  return {
    experiment_id: id,
    config_hash: configHash(config),
    config,
    swept,
    hyper_paramater_combination_id: combination,
    fold,
  };
}

/** Builds the dataset under validation (which must not depend on swept values) and folds it. */
interface FoldsArgs {
  validation: LoadedValidationConfig;
  gs: LoadedGsConfig;
  firstConfig: Record<string, unknown>;
  sites: readonly SweepSite[];
  registry: ComponentRegistry;
}

async function foldsFor({ validation, gs, firstConfig, sites, registry }: FoldsArgs): Promise<FoldDescriptor[]> {
  const strategy = validation.strategy;
  if (strategy.mode === 'GRID_SEARCH') return [];
  const { iterator_key, split_key } = strategy.spec;
  const at = (path: PropertyKey[], fields: Omit<MlgymIssue, 'code' | 'file'>) =>
    MlgymError.fromIssue(validation.source.issue('CONFIG_INVALID', [validation.key, ...path], fields));
  if (!(iterator_key in firstConfig)) {
    throw at(['iterator_key'], {
      problem: `names component "${iterator_key}", which the gs config does not define`,
      expected: `one of ${Object.keys(firstConfig).join(', ')}`,
    });
  }
  const graph = ComponentGraph.fromConfig(firstConfig, registry, { source: gs.source, requested: [iterator_key] });
  const swept = sites.filter((s) => graph.nodes.has(String(s.path[0])));
  if (swept.length > 0) {
    throw at(['iterator_key'], {
      problem: `the data under validation must be the same for every experiment, but "${iterator_key}" depends on swept values`,
      found: swept.map((s) => formatKeyPath(s.path)).join(', '),
      hint: 'Move the sweep out of the components the validated dataset is built from',
    });
  }
  // Relative paths in component configs (a CSV table) point into the gs config's folder, as when training.
  const services = new Map<string, unknown>([['configDir', dirname(gs.source.file)]]);
  const output = await new ComponentBuilder(graph, { services }).build(iterator_key);
  const dataset = (output as Record<string, unknown> | null)?.[split_key];
  if (!isDatasetIterator(dataset)) {
    throw at(['split_key'], {
      problem: `component "${iterator_key}" has no split "${split_key}"`,
      expected: `one of ${Object.keys(output ?? {}).join(', ')}`,
    });
  }
  const targets = columnOf(dataset, strategy.spec.config.target_pos);
  return strategy.mode === 'CROSS_VALIDATION'
    ? crossValidationFolds(targets, strategy.spec)
    : nestedCrossValidationFolds(targets, strategy.spec);
}
