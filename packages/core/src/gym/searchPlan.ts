import type { TrainRun } from '@mlgym/protocol';
import type { ExperimentPlan } from '../experiments/planExperiments.js';
import { adaptiveSpec, createScheduler } from '../search/createScheduler.js';
import type { AdaptiveSpec } from '../search/createScheduler.js';
import type { SchedulerPlan } from '../search/searchTypes.js';
import { trialSpaceOf } from './trialSpace.js';

/** What an adaptive search will do, for `mlgym run --dry-run`: its brackets, rungs and epoch budget. */
export interface SearchPlanSummary {
  spec: AdaptiveSpec;
  seed: number;
  maxEpochs: number;
  plan: SchedulerPlan;
  /** Experiments per trial (folds). */
  folds: number;
  /** Configurations it draws its trials from (TPE: the trials it proposes). */
  candidates: number;
  /** Most epochs it trains, all folds (null when the scores decide). */
  budgetEpochs: number | null;
  /** asha: about what it trains (successive halving's budget over the same trials). */
  estimateEpochs?: number | undefined;
  /** Every candidate to num_epochs, all folds. */
  gridEpochs: number;
}

/** The search a train run config asks for, planned; undefined for grid and random (every experiment trains). */
export function searchPlanOf(plan: ExperimentPlan, rc: TrainRun['config']): SearchPlanSummary | undefined {
  const spec = adaptiveSpec(rc.search);
  if (!spec) return undefined;
  const space = trialSpaceOf(plan, spec);
  const seed = spec.seed ?? rc.seed ?? 0;
  const scheduler = createScheduler({
    spec,
    maxEpochs: rc.num_epochs,
    candidates: space.stored.candidates,
    dimensions: space.stored.tpe?.dimensions,
    defaultTrials: space.stored.tpe?.numTrials,
    seed,
  });
  const folds = space.stored.folds;
  const candidates = space.stored.tpe?.numTrials ?? space.stored.candidates.length;
  const estimate = (scheduler as { estimate?: number }).estimate;
  return {
    spec,
    seed,
    maxEpochs: rc.num_epochs,
    plan: scheduler.plan,
    folds,
    candidates,
    budgetEpochs: scheduler.plan.budgetEpochs === null ? null : scheduler.plan.budgetEpochs * folds,
    estimateEpochs: estimate === undefined ? undefined : estimate * folds,
    gridEpochs: candidates * rc.num_epochs * folds,
  };
}
