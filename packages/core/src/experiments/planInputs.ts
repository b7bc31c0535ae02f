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
import type { GraphMemo } from '../registry/componentGraph.js';
import type { ComponentRegistry } from '../registry/componentRegistry.js';
import { randomSearchSpace } from '../sweep/applyRandomSearch.js';
import { gridSpace } from '../sweep/gridSpace.js';
import type { GridSpace } from '../sweep/gridSpace.js';
import { scanSweeps } from '../sweep/scanSweeps.js';
import type { SweepSite } from '../sweep/scanSweeps.js';
import type { PlanOptions } from './planExperiments.js';
import { formatKeyPath } from '../util/describeValue.js';
import { crossValidationFolds, nestedCrossValidationFolds } from '../validation/foldDescriptors.js';
import type { FoldDescriptor } from '../validation/foldDescriptors.js';

type Mapping = Record<string, unknown>;

/** What planning reads before it makes any experiment: the configs, the grid they span and the folds. */
export interface PlanInputs {
  gs: LoadedGsConfig;
  validation: LoadedValidationConfig | undefined;
  mode: ValidationMode;
  registry: ComponentRegistry;
  /** The expanded grid, random sweep nodes still in place. */
  grid: GridSpace;
  /** The configurations trained: the grid with its random draws (the grid itself without random sweeps). */
  configs: GridSpace;
  folds: FoldDescriptor[];
  sites: SweepSite[];
}

export async function loadPlanInputs(run: LoadedRunConfig, options: PlanOptions = {}): Promise<PlanInputs> {
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

  const grid = gridSpace(gs.components);
  const configs = randomSearchSpace(grid);
  if (configs.size === 0) {
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
          firstConfig: structuredClone(configs.at(0)) as Mapping,
          sites: scan.sites,
          registry,
        });
  return { gs, validation, mode, registry, grid, configs, folds, sites: scan.sites };
}

/**
 * Checks experiment configs one by one against the registry, collecting every distinct issue and the
 * components' notices. With `memo`, configs must not change after being checked (grid configs share parts).
 */
export function createPlanCheck(gs: LoadedGsConfig, registry: ComponentRegistry, first: Mapping, memo?: GraphMemo) {
  const requested = [...GYM_COMPONENTS.required, ...GYM_COMPONENTS.optional.filter((n) => n in first)];
  const issues: MlgymIssue[] = [];
  const notices = new Set<string>();
  return {
    add(config: Mapping): void {
      try {
        const graph = ComponentGraph.fromConfig(config, registry, { source: gs.source, requested, memo });
        for (const node of graph.nodes.values()) if (node.definition.notice) notices.add(node.definition.notice);
      } catch (error) {
        if (!(error instanceof MlgymError)) throw error;
        for (const issue of error.issues) {
          if (
            !issues.some((i) => i.keyPath === issue.keyPath && i.problem === issue.problem && i.found === issue.found)
          )
            issues.push(issue);
        }
      }
    },
    throwIfAny(): void {
      if (issues.length > 0) throw new MlgymError({ code: (issues[0] as MlgymIssue).code, issues });
    },
    notices: () => [...notices],
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
