import { Rng } from '../util/rng.js';
import { CategoricalParzen, NumericParzen } from './parzenEstimator.js';
import { isBetter } from './ranking.js';
import { drawUniform, fromInternal, internalRange, toInternal } from './searchSpace.js';
import type { Dimension } from './searchSpace.js';
import type { Mode } from './searchTypes.js';
import type { Observation, TrialSource } from './trialSource.js';

export interface TpeOptions {
  dimensions: readonly Dimension[];
  /** Trials it proposes at most. */
  numTrials: number;
  seed: number;
  /** Trials drawn at random before the estimators take over. @default 10 */
  startupTrials?: number | undefined;
  /** Candidates drawn from the good trials' estimator per dimension. @default 24 */
  candidates?: number | undefined;
}

/** How many observations count as good: 10 %, rounded up, at most 25 (Optuna's default). */
export const goodCount = (n: number) => Math.min(Math.ceil(0.1 * n), 25);

/**
 * The Tree-structured Parzen Estimator (Bergstra et al. 2011), univariate as Optuna's default: the observations
 * are split into the best γ(n) and the rest (a trial that reached a higher rung ranks above one stopped lower,
 * as Optuna ranks pruned trials); per dimension, candidates drawn from the good ones' estimator l(x) are scored
 * by log l(x) − log g(x) and the best is proposed. Each proposal's random draws come from the seed and the
 * trial's number, so the proposal is a function of the seed and the observations it saw.
 */
export class TpeSource implements TrialSource {
  private proposed = 0;

  constructor(private readonly options: TpeOptions) {}

  get size(): number {
    return this.options.numTrials;
  }

  next(
    observations: readonly Observation[],
    mode: Mode,
  ): { trialId: number; params: Record<string, unknown> } | undefined {
    if (this.proposed >= this.options.numTrials) return undefined;
    const trialId = this.proposed++;
    return { trialId, params: this.propose(trialId, observations, mode) };
  }

  restore(trialId: number): void {
    this.proposed = Math.max(this.proposed, trialId + 1);
  }

  propose(trialId: number, observations: readonly Observation[], mode: Mode): Record<string, unknown> {
    const rng = new Rng(`${this.options.seed}/tpe/${trialId}`);
    const params: Record<string, unknown> = {};
    if (observations.length < (this.options.startupTrials ?? 10) || observations.length === 0) {
      for (const d of this.options.dimensions) params[d.name] = drawUniform(d, rng);
      return params;
    }
    const ranked = [...observations].sort((a, b) => {
      if (a.rung !== b.rung) return b.rung - a.rung;
      if (isBetter(a.score, b.score, mode)) return -1;
      if (isBetter(b.score, a.score, mode)) return 1;
      return a.trialId - b.trialId;
    });
    const good = new Set(ranked.slice(0, goodCount(observations.length)).map((o) => o.trialId));
    // Chronological order inside each group: the weights favour recent observations.
    const below = observations.filter((o) => good.has(o.trialId));
    const above = observations.filter((o) => !good.has(o.trialId));
    for (const d of this.options.dimensions) {
      const values = (group: readonly Observation[]) =>
        group.filter((o) => d.name in o.params).map((o) => toInternal(d, o.params[d.name]));
      let l: { sample(r: Rng): number; logPdf(x: number): number };
      let g: { logPdf(x: number): number };
      if (d.kind === 'categorical') {
        l = new CategoricalParzen(values(below), d.choices.length);
        g = new CategoricalParzen(values(above), d.choices.length);
      } else {
        const { low, high } = internalRange(d);
        l = new NumericParzen(values(below), low, high);
        g = new NumericParzen(values(above), low, high);
      }
      let best = Number.NaN;
      let bestScore = -Infinity;
      for (let i = 0; i < (this.options.candidates ?? 24); i++) {
        const x = l.sample(rng);
        const score = l.logPdf(x) - g.logPdf(x);
        if (score > bestScore) {
          bestScore = score;
          best = x;
        }
      }
      params[d.name] = fromInternal(d, best);
    }
    return params;
  }
}
