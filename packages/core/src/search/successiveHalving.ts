import { halvingSizes, ladderBudget } from './ladder.js';
import { rankBest } from './ranking.js';
import { RungScheduler } from './rungScheduler.js';
import type { Trial } from './rungScheduler.js';
import type { Decision, Mode, SchedulerPlan } from './searchTypes.js';

export interface SuccessiveHalvingOptions {
  /** Trial ids in the order they start (already drawn from the candidates by the search's seed). */
  pool: readonly number[];
  /** Each bracket's rung epochs and how many trials it starts (one bracket: successive halving). */
  brackets: ReadonlyArray<{ rungs: number[]; trials: number }>;
  eta: number;
  mode: Mode;
}

/**
 * Synchronous successive halving (Jamieson & Talwalkar 2016), and Hyperband as several brackets of it: a rung
 * is decided once every trial that entered it has reported; the best max(1, ⌊n/η⌋) of its n trials go on (ties
 * by start order), the rest stop. A score that is not a number, a failure or the trial's own early stopping
 * ends a trial at once. The decisions depend only on the scores and the pool's order, never on timing.
 */
export class SuccessiveHalving extends RungScheduler {
  readonly plan: SchedulerPlan;
  /** Trial ids of each bracket, in start order. */
  private readonly members: number[][];
  private started = new Set<number>();

  constructor(options: SuccessiveHalvingOptions) {
    super({ ladders: options.brackets.map((b) => b.rungs), mode: options.mode, eta: options.eta });
    this.members = [];
    let at = 0;
    for (const bracket of options.brackets) {
      this.members.push(options.pool.slice(at, at + bracket.trials));
      at += bracket.trials;
    }
    let budget = 0;
    const brackets = options.brackets.map((b, i) => {
      const sizes = halvingSizes((this.members[i] as number[]).length, b.rungs.length, options.eta);
      budget += ladderBudget(b.rungs, sizes);
      return { bracket: i, rungs: b.rungs.map((epochs, r) => ({ rung: r, epochs, trials: sizes[r] as number })) };
    });
    this.plan = {
      brackets: brackets.filter((b) => (b.rungs[0]?.trials ?? 0) > 0),
      numTrials: this.members.reduce((n, m) => n + m.length, 0),
      budgetEpochs: budget,
    };
  }

  protected startNew(): Decision | undefined {
    for (let bracket = 0; bracket < this.members.length; bracket++) {
      const id = (this.members[bracket] as number[]).find((t) => !this.started.has(t));
      if (id === undefined) continue;
      this.started.add(id);
      const rungs = this.ladders[bracket] as number[];
      return { trialId: id, kind: 'started', bracket, rung: 0, epoch: 0, nextEpoch: rungs[0] as number };
    }
    return undefined;
  }

  protected restoredStart(decision: Decision): void {
    this.started.add(decision.trialId);
  }

  protected decide(trial: Trial): Decision[] {
    const { bracket, rung } = trial;
    if (!this.rungComplete(bracket, rung)) return [];
    const entered = this.inBracket(bracket).filter((t) => t.rung >= rung);
    const waiting = entered.filter((t) => t.status === 'waiting' && t.rung === rung && t.decided < rung);
    if (waiting.length === 0) return [];
    const valid = entered.filter(
      (t) => t.scores.has(rung) && !Number.isNaN(t.scores.get(rung)) && t.endedAt !== rung && t.failedAt !== rung,
    );
    const ranked = rankBest(
      valid.map((t) => ({ trial: t, score: t.scores.get(rung) as number, order: t.order })),
      this.mode,
    );
    const kept = ranked.slice(0, Math.max(1, Math.floor(entered.length / this.eta)));
    const cutoff = kept.at(-1)?.score;
    const keptIds = new Set(kept.map((k) => k.trial.id));
    return ranked
      .map((r) => r.trial)
      .filter((t) => waiting.includes(t))
      .map((t) => this.verdict(t, keptIds.has(t.id), cutoff));
  }

  private inBracket(bracket: number): Trial[] {
    return [...this.byId.values()].filter((t) => t.bracket === bracket);
  }

  /**
   * Every trial that will ever reach the rung has reported there: for the first rung, all of the bracket's
   * trials; for the others, every promotion of the rung below is decided.
   */
  private rungComplete(bracket: number, rung: number): boolean {
    const trials = this.inBracket(bracket);
    if (rung === 0) {
      if (trials.length < (this.members[bracket] as number[]).length) return false;
    } else if (trials.some((t) => t.rung >= rung - 1 && t.decided < rung - 1)) {
      return false;
    }
    return trials
      .filter((t) => t.rung >= rung)
      .every((t) => t.scores.has(rung) || t.failedAt === rung || t.rung > rung);
  }
}
