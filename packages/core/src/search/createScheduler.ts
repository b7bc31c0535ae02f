import { isAdaptiveSearch } from '@mlgym/protocol';
import type { SearchSpec } from '@mlgym/protocol';
import { Rng } from '../util/rng.js';
import { AsyncRungs } from './asyncRungs.js';
import { hyperbandBrackets, rungEpochs } from './ladder.js';
import type { Dimension } from './searchSpace.js';
import type { TrialScheduler } from './searchTypes.js';
import { SuccessiveHalving } from './successiveHalving.js';
import { PoolSource } from './trialSource.js';
import { TpeSource } from './tpeSource.js';

/** An adaptive algorithm's section (not grid or random). */
export type AdaptiveSpec = Exclude<SearchSpec, { algorithm: 'grid' | 'random' }>;

/** The search section when it asks for an adaptive algorithm. */
export function adaptiveSpec(spec: SearchSpec | undefined): AdaptiveSpec | undefined {
  return isAdaptiveSearch(spec) ? (spec as AdaptiveSpec) : undefined;
}

export interface SchedulerInput {
  spec: AdaptiveSpec;
  /** num_epochs: the most a trial trains. */
  maxEpochs: number;
  /** Trial ids of the planned configurations (every algorithm but TPE draws from them). */
  candidates: readonly number[];
  /** TPE: what it proposes values for, and how many trials it proposes unless num_trials says. */
  dimensions?: readonly Dimension[] | undefined;
  defaultTrials?: number | undefined;
  /** The search's seed (its own, else the run's, else 0). */
  seed: number;
}

/** Median stopping's checks: min_epochs, then every `interval` epochs, and num_epochs. */
export function medianLadder(minEpochs: number, interval: number, maxEpochs: number): number[] {
  const out: number[] = [];
  for (let e = Math.min(minEpochs, maxEpochs); e < maxEpochs; e += interval) out.push(e);
  out.push(maxEpochs);
  return out;
}

/** The candidates in the order the search tries them: a permutation drawn from its seed, cut to num_trials. */
export function trialOrder(candidates: readonly number[], seed: number, numTrials?: number): number[] {
  const order = new Rng(`${seed}/search/order`).permutation(candidates.length).map((i) => candidates[i] as number);
  return order.slice(0, numTrials ?? order.length);
}

/** The scheduler a search section asks for. */
export function createScheduler(input: SchedulerInput): TrialScheduler {
  const { spec, maxEpochs, seed } = input;
  const eta = 'reduction_factor' in spec ? (spec.reduction_factor ?? 3) : 3;
  const minEpochs = Math.min(maxEpochs, spec.min_epochs ?? 1);
  const order = () => trialOrder(input.candidates, seed, spec.num_trials);
  switch (spec.algorithm) {
    case 'successive_halving': {
      const pool = order();
      return new SuccessiveHalving({
        pool,
        brackets: [{ rungs: rungEpochs(minEpochs, maxEpochs, eta), trials: pool.length }],
        eta,
        mode: spec.mode,
      });
    }
    case 'hyperband': {
      const pool = order();
      const brackets = hyperbandBrackets(minEpochs, maxEpochs, eta);
      return new SuccessiveHalving({ pool, brackets, eta, mode: spec.mode });
    }
    case 'asha':
      return new AsyncRungs({
        source: new PoolSource(order()),
        rungs: rungEpochs(minEpochs, maxEpochs, eta),
        policy: 'asha',
        mode: spec.mode,
        eta,
        deterministic: spec.deterministic,
      });
    case 'median_stopping':
      return new AsyncRungs({
        source: new PoolSource(order()),
        rungs: medianLadder(minEpochs, spec.interval ?? 1, maxEpochs),
        policy: 'median',
        mode: spec.mode,
        eta,
        minTrials: spec.min_trials,
      });
    case 'tpe': {
      const pruner = spec.pruner ?? 'none';
      const source = new TpeSource({
        dimensions: input.dimensions ?? [],
        numTrials: spec.num_trials ?? input.defaultTrials ?? 0,
        seed,
        startupTrials: spec.n_startup_trials,
        candidates: spec.n_ei_candidates,
      });
      return new AsyncRungs({
        source,
        rungs:
          pruner === 'asha'
            ? rungEpochs(minEpochs, maxEpochs, eta)
            : pruner === 'median'
              ? medianLadder(minEpochs, 1, maxEpochs)
              : [maxEpochs],
        policy: pruner === 'none' ? 'fifo' : pruner,
        mode: spec.mode,
        eta,
      });
    }
  }
}
