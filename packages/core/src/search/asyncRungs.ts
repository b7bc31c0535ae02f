import { ladderBudget, halvingSizes } from './ladder.js';
import { isBetter, percentile, quantileCutoff } from './ranking.js';
import { RungScheduler } from './rungScheduler.js';
import type { Trial } from './rungScheduler.js';
import type { Decision, Mode, SchedulerPlan } from './searchTypes.js';
import type { Observation, TrialSource } from './trialSource.js';

/**
 * How a trial at a rung is judged against the others there: `asha` keeps it when it is not below the
 * (1 - 1/η) quantile of the scores recorded before it (Li et al., MLSys 2020, as Ray Tune's stopping rule);
 * `median` when it is not worse than the median of the others once `minTrials` have a score there (Golovin et
 * al. 2017, as Optuna's MedianPruner); `fifo` never stops a trial (one rung: num_epochs).
 */
const TERMINAL = new Set(['stopped', 'completed', 'failed']);

export type AsyncPolicy = 'asha' | 'median' | 'fifo';

export interface AsyncRungsOptions {
  source: TrialSource;
  rungs: number[];
  policy: AsyncPolicy;
  mode: Mode;
  eta: number;
  /** asha: judge each trial only against the trials started before it, waiting for them as needed. */
  deterministic?: boolean | undefined;
  /** median: others needed at a rung before anyone is stopped there. @default 3 */
  minTrials?: number | undefined;
}

/**
 * Asynchronous rungs: a trial is decided as soon as it reports (or, deterministic, as soon as every trial
 * started before it has a score at that rung or has ended below it), so a worker never waits for a rung to fill;
 * promoted trials run before new ones start.
 */
export class AsyncRungs extends RungScheduler {
  readonly plan: SchedulerPlan;

  constructor(private readonly options: AsyncRungsOptions) {
    super({ ladders: [options.rungs], mode: options.mode, eta: options.eta });
    const n = options.source.size;
    const sizes = options.policy === 'asha' ? halvingSizes(n, options.rungs.length, options.eta) : undefined;
    this.plan = {
      brackets: [
        {
          bracket: 0,
          rungs: options.rungs.map((epochs, r) => ({
            rung: r,
            epochs,
            trials: r === 0 || options.policy === 'fifo' ? n : null,
          })),
        },
      ],
      numTrials: n,
      budgetEpochs: options.policy === 'fifo' ? n * (options.rungs.at(-1) as number) : null,
    };
    this.estimate = sizes ? ladderBudget(options.rungs, sizes) : undefined;
  }

  /** asha: the epochs successive halving would train over the same trials (ASHA trains about as many). */
  readonly estimate: number | undefined;

  protected startNew(): Decision | undefined {
    const next = this.options.source.next(this.observations(), this.mode);
    if (!next) return undefined;
    return {
      trialId: next.trialId,
      kind: 'started',
      bracket: 0,
      rung: 0,
      epoch: 0,
      nextEpoch: this.options.rungs[0] as number,
      params: next.params,
    };
  }

  protected restoredStart(decision: Decision): void {
    this.options.source.restore(decision.trialId, decision.params);
  }

  protected decide(trial: Trial): Decision[] {
    if (!this.options.deterministic) {
      return trial.status === 'waiting' && trial.decided < trial.rung ? [this.judge(trial, (t) => t !== trial)] : [];
    }
    // The first waiting trial (in start order) whose predecessors are all settled at its rung.
    const waiting = [...this.byId.values()]
      .filter((t) => t.status === 'waiting' && t.decided < t.rung)
      .sort((a, b) => a.order - b.order);
    for (const t of waiting) {
      const before = [...this.byId.values()].filter((o) => o.order < t.order);
      const settled = before.every(
        (o) =>
          o.scores.has(t.rung) ||
          (o.failedAt !== undefined && o.failedAt <= t.rung) ||
          (TERMINAL.has(o.status) && o.rung < t.rung),
      );
      if (settled) return [this.judge(t, (o) => o.order < t.order)];
    }
    return [];
  }

  /** Promote or stop `trial` against the scores at its rung of the trials `among` selects. */
  private judge(trial: Trial, among: (other: Trial) => boolean): Decision {
    const rung = trial.rung;
    const score = trial.scores.get(rung) as number;
    const others = this.resultsAt(0, rung)
      .filter(among)
      .map((t) => t.scores.get(rung) as number);
    let cutoff: number | undefined;
    if (this.options.policy === 'asha') cutoff = quantileCutoff(others, this.eta, this.mode);
    else if (this.options.policy === 'median') {
      const valid = others.filter((v) => !Number.isNaN(v));
      cutoff = valid.length >= (this.options.minTrials ?? 3) ? percentile(valid, 50) : undefined;
    }
    const keep = cutoff === undefined || !isBetter(cutoff, score, this.mode);
    return this.verdict(trial, keep, cutoff);
  }

  /** What a searcher learns from: every trial with a score, at the highest rung it reached. */
  private observations(): Observation[] {
    const out: Observation[] = [];
    for (const t of [...this.byId.values()].sort((a, b) => a.order - b.order)) {
      if (t.failedAt !== undefined || t.scores.size === 0 || !t.params) continue;
      const rung = Math.max(...t.scores.keys());
      out.push({ trialId: t.id, params: t.params, rung, score: t.scores.get(rung) as number });
    }
    return out;
  }
}
