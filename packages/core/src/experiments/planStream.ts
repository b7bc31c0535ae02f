import type { ValidationMode } from '@mlgym/protocol';
import type { LoadedGsConfig } from '../config/loadGsConfig.js';
import type { LoadedRunConfig } from '../config/loadRunConfig.js';
import type { LoadedValidationConfig } from '../config/loadValidationConfig.js';
import { GraphMemo } from '../registry/componentGraph.js';
import type { CanonicalMemo } from '../util/canonicalJson.js';
import { instantiateExperiments, planned } from './planExperiments.js';
import { createPlanCheck, loadPlanInputs } from './planInputs.js';
import type { PlanOptions, PlannedExperiment } from './planExperiments.js';
import type { PlanInputs } from './planInputs.js';

type Mapping = Record<string, unknown>;

/** A plan whose experiments are made one at a time: planning 100,000 holds one experiment, not 100,000. */
export interface PlanStream {
  run: LoadedRunConfig;
  gs: LoadedGsConfig;
  validation?: LoadedValidationConfig | undefined;
  mode: ValidationMode;
  /** Number of configurations in the hyper-parameter grid (random draws included). */
  gridSize: number;
  /** Number of experiments (grid size × folds). */
  count: number;
  /** What the components say once (filled by `check`). */
  notices: string[];
  /** Every experiment's component graph checked, as `planExperiments` does: throws with every issue found. */
  check(): void;
  /**
   * The experiments in id order, each made when reached. Their configs share unswept parts with each
   * other: read them, or `structuredClone` one before changing it.
   */
  experiments(): Iterable<PlannedExperiment>;
}

/** The configuration trained by experiment `i` (shared parts: never changed), its fold and combination. */
function configAt(inputs: PlanInputs, i: number): { config: Mapping; fold: number; c: number } {
  const size = inputs.configs.size;
  return { config: inputs.configs.at(i % size) as Mapping, fold: Math.floor(i / size), c: i % size };
}

/**
 * `planExperiments` as a stream: the same experiments, ids, hashes and checks, made one at a time from
 * the grid's space. Configurations share their unswept parts, so each component is checked and hashed
 * once per distinct value (100,000 configurations of a two-sweep grid check about 1,100 components).
 */
export async function planExperimentStream(run: LoadedRunConfig, options: PlanOptions = {}): Promise<PlanStream> {
  const inputs = await loadPlanInputs(run, options);
  const { gs, validation, mode, registry, configs, folds, sites } = inputs;
  const count = configs.size * Math.max(1, folds.length);
  const memo = new GraphMemo();
  const texts: CanonicalMemo = new WeakMap();
  const make = (i: number): PlannedExperiment => {
    const { config, fold, c } = configAt(inputs, i);
    if (folds.length === 0) return planned({ id: i, combination: c, config, sites }, texts);
    // fold data are injected into a copy per experiment
    const [experiment] = instantiateExperiments(
      [config],
      { folds: [folds[fold]!], sites },
      {
        id: () => i,
        combination: () => c,
      },
    );
    return experiment!;
  };
  const stream: PlanStream = {
    run,
    gs,
    validation,
    mode,
    gridSize: configs.size,
    count,
    notices: [],
    check() {
      const check = createPlanCheck(gs, registry, configAt(inputs, 0).config, memo);
      for (let i = 0; i < count; i++) {
        if (folds.length === 0) check.add(configAt(inputs, i).config);
        else check.add(make(i).config);
      }
      check.throwIfAny();
      stream.notices = check.notices();
    },
    *experiments() {
      for (let i = 0; i < count; i++) yield make(i);
    },
  };
  return stream;
}
