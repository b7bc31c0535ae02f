import { MlgymError } from '@mlgym/protocol';
import type { SearchSpec, ValidationMode } from '@mlgym/protocol';
import { instantiateExperiments } from '../experiments/planExperiments.js';
import type { ExperimentPlan, PlannedExperiment } from '../experiments/planExperiments.js';
import type { Dimension } from '../search/searchSpace.js';
import type { SweepSite } from '../sweep/scanSweeps.js';
import { findRandomSites, setAt } from '../sweep/applyRandomSearch.js';
import type { RandomSweep } from '../sweep/sweepSpec.js';
import { formatKeyPath } from '../util/describeValue.js';
import type { FoldDescriptor } from '../validation/foldDescriptors.js';

type Mapping = Record<string, unknown>;

/** The key of the grid dimension TPE proposes when the gs config has sweeps besides its random ones. */
export const GRID_DIMENSION = 'grid';

/**
 * `search_space.json`: what a search needs to go on after an interruption, stored when it starts: the trials
 * that can start and their experiments, and, for TPE, what proposed values are put into.
 */
export interface StoredSearchSpace {
  version: 1;
  mode: ValidationMode;
  /** Experiments per trial (folds; 1 without cross validation). */
  folds: number;
  /** The planned configurations (hyper-parameter combination ids) the search draws its trials from. */
  candidates: number[];
  /** Planned trial → its experiment ids (all algorithms but TPE). */
  experiments?: Record<string, number[]> | undefined;
  /** Experiment id → its swept values, for the closing table of a resumed search. */
  swept?: Record<string, Record<string, unknown>> | undefined;
  tpe?:
    | {
        numTrials: number;
        grid: Mapping[];
        sites: SweepSite[];
        folds: FoldDescriptor[];
        dimensions: Dimension[];
      }
    | undefined;
}

/** What an adaptive search trains: each trial's experiments, by plan or made from proposed values (TPE). */
export interface TrialSpace {
  stored: StoredSearchSpace;
  /** The experiments of a trial; `params` are a TPE trial's proposed values. */
  experimentsOf(trialId: number, params?: Record<string, unknown>): PlannedExperiment[];
}

function dimensionOf(name: string, spec: RandomSweep): Dimension {
  switch (spec.distribution) {
    case 'uniform':
      return { name, kind: 'float', low: spec.low as number, high: spec.high as number, log: false };
    case 'loguniform':
      return { name, kind: 'float', low: spec.low as number, high: spec.high as number, log: true };
    case 'randint':
      return { name, kind: 'int', low: Math.ceil(spec.low as number), high: Math.floor(spec.high as number) - 1 };
    case 'choice':
      return { name, kind: 'categorical', choices: spec.values as unknown[] };
  }
}

/** The search's trials as planned: TPE over the random sweep nodes (and the grid of the other sweeps). */
export function trialSpaceOf(plan: ExperimentPlan, spec: SearchSpec): TrialSpace {
  if (plan.mode === 'NESTED_CROSS_VALIDATION') {
    throw MlgymError.fromIssue(
      plan.run.source.issue('CONFIG_INVALID', ['run_configuration', 'config', 'search', 'algorithm'], {
        problem: `${spec.algorithm} does not search nested cross validation (its inner loops choose a configuration per outer fold)`,
        found: spec.algorithm,
        expected:
          'grid or random with nested cross validation; adaptive searches with a plain grid or CROSS_VALIDATION',
      }),
    );
  }
  const folds = Math.max(1, plan.template.folds.length);
  if (spec.algorithm !== 'tpe') {
    const experiments: Record<string, number[]> = {};
    for (const e of plan.experiments)
      (experiments[String(e.hyper_paramater_combination_id)] ??= []).push(e.experiment_id);
    return fromStored(
      {
        version: 1,
        mode: plan.mode,
        folds,
        candidates: Array.from({ length: plan.gridSize }, (_, i) => i),
        experiments,
      },
      plan.experiments,
    );
  }
  const first = plan.template.grid[0] as Mapping;
  const random: Array<{ path: PropertyKey[]; spec: RandomSweep }> = [];
  findRandomSites(first, [], random);
  if (random.length === 0) {
    throw MlgymError.fromIssue(
      plan.run.source.issue('CONFIG_INVALID', ['run_configuration', 'config', 'search', 'algorithm'], {
        problem: 'tpe proposes values for the random sweep nodes of the gs config, and it has none',
        expected: 'a gs config with {sweep: random, distribution: …} nodes, or another algorithm',
        hint: 'e.g. lr: {sweep: random, distribution: loguniform, low: 0.0001, high: 0.1, num_samples: 40}',
      }),
    );
  }
  const dimensions = random.map((r) => dimensionOf(formatKeyPath(r.path), r.spec));
  if (plan.template.grid.length > 1)
    dimensions.push({
      name: GRID_DIMENSION,
      kind: 'categorical',
      choices: plan.template.grid.map((_, i) => i),
    });
  const samples = random[0]?.spec.num_samples ?? 1;
  return fromStored({
    version: 1,
    mode: plan.mode,
    folds,
    candidates: [],
    tpe: {
      numTrials: spec.num_trials ?? samples * plan.template.grid.length,
      grid: plan.template.grid,
      sites: plan.template.sites,
      folds: plan.template.folds,
      dimensions,
    },
  });
}

/** A trial space from what a search stored (a resumed search), or from the plan's experiments. */
export function fromStored(stored: StoredSearchSpace, planned?: readonly PlannedExperiment[]): TrialSpace {
  const byId = new Map((planned ?? []).map((e) => [e.experiment_id, e]));
  return {
    stored,
    experimentsOf(trialId, params) {
      const tpe = stored.tpe;
      if (!tpe) {
        const ids = stored.experiments?.[String(trialId)] ?? [];
        return ids.map((id) => {
          const e = byId.get(id);
          if (!e) throw new Error(`experiment ${id} of trial ${trialId} is not known here`);
          return e;
        });
      }
      const gridIndex = Number(params?.[GRID_DIMENSION] ?? 0);
      const config = structuredClone(tpe.grid[gridIndex] ?? tpe.grid[0]) as Mapping;
      const local: Array<{ path: PropertyKey[]; spec: RandomSweep }> = [];
      findRandomSites(config, [], local);
      for (const site of local) setAt(config, site.path, structuredClone(params?.[formatKeyPath(site.path)]));
      return instantiateExperiments([config], tpe, {
        id: (fold) => fold * tpe.numTrials + trialId,
        combination: () => trialId,
      });
    },
  };
}
