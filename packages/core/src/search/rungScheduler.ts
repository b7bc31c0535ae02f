import type {
  Decision,
  RungReport,
  SchedulerPlan,
  Segment,
  TrialScheduler,
  TrialStatus,
  TrialView,
} from './searchTypes.js';
import type { Mode } from './searchTypes.js';

/** A trial's state. `decided` is the highest rung at which it was promoted or ended (-1: none yet). */
export interface Trial {
  id: number;
  bracket: number;
  /** Position in the order trials started (ties and deterministic ASHA use it). */
  order: number;
  status: TrialStatus;
  rung: number;
  epoch: number;
  /** Score per rung reached (NaN: not a number); `failedAt` marks a failure instead. */
  scores: Map<number, number>;
  failedAt?: number | undefined;
  endedAt?: number | undefined;
  decided: number;
  params?: Record<string, unknown> | undefined;
  last?: Decision | undefined;
}

export interface RungSchedulerOptions {
  /** Rung epochs of each bracket. */
  ladders: number[][];
  mode: Mode;
  eta: number;
}

/**
 * What every rung-based search shares: trials, their results per rung, the segments waiting for a worker, and
 * one transition function (`apply`) used both for decisions taken now and for decisions a resumed search
 * replays, so a restored scheduler is in exactly the state the recorded one was.
 */
export abstract class RungScheduler implements TrialScheduler {
  abstract readonly plan: SchedulerPlan;
  protected readonly byId = new Map<number, Trial>();
  protected readonly pending: Segment[] = [];
  protected readonly ladders: number[][];
  protected readonly mode: Mode;
  protected readonly eta: number;

  constructor(options: RungSchedulerOptions) {
    this.ladders = options.ladders;
    this.mode = options.mode;
    this.eta = options.eta;
  }

  /** The decision that starts a new trial now, or undefined when none may start (yet). */
  protected abstract startNew(): Decision | undefined;
  /** Decisions about trials waiting at a rung (`trial` has just reported); `apply` is called on each. */
  protected abstract decide(trial: Trial): Decision[];
  /** A restored `started` decision: the source of new trials moves past it. */
  protected abstract restoredStart(decision: Decision): void;

  next(): { segment: Segment; decisions: Decision[] } | undefined {
    if (this.pending.length === 0) {
      const start = this.startNew();
      if (!start) return undefined;
      this.apply(start);
      const segment = this.takePending();
      return segment ? { segment, decisions: [start] } : undefined;
    }
    const segment = this.takePending();
    return segment ? { segment, decisions: [] } : undefined;
  }

  report(report: RungReport): Decision[] {
    const trial = this.byId.get(report.trialId);
    if (!trial || trial.status !== 'running') {
      throw new Error(`trial ${report.trialId} reported without a running segment (${trial?.status ?? 'unknown'})`);
    }
    const ladder = this.ladderOf(trial);
    trial.epoch = report.epoch;
    const decisions: Decision[] = [];
    const base = { trialId: trial.id, bracket: trial.bracket, rung: trial.rung, epoch: report.epoch, nextEpoch: null };
    if (report.failed !== undefined) {
      trial.failedAt = trial.rung;
      decisions.push({ ...base, kind: 'failed', reason: report.failed });
    } else {
      trial.scores.set(trial.rung, report.score);
      trial.status = 'waiting';
      if (report.ended) {
        trial.endedAt = trial.rung;
        decisions.push({ ...base, kind: 'completed', score: report.score, reason: 'its own early stopping ended it' });
      } else if (trial.rung === ladder.length - 1) {
        decisions.push({ ...base, kind: 'completed', score: report.score });
      } else if (Number.isNaN(report.score)) {
        decisions.push({ ...base, kind: 'stopped', score: report.score, reason: 'its score is not a number' });
      }
    }
    for (const d of decisions) this.apply(d);
    for (let more = this.decide(trial); more.length > 0; more = this.decide(trial)) {
      for (const d of more) {
        this.apply(d);
        decisions.push(d);
      }
    }
    return decisions;
  }

  restore(decision: Decision): void {
    if (decision.kind === 'started') this.restoredStart(decision);
    this.apply(decision);
  }

  trials(): TrialView[] {
    return [...this.byId.values()]
      .sort((a, b) => a.order - b.order)
      .map((t) => ({
        trialId: t.id,
        bracket: t.bracket,
        status: t.status,
        rung: t.rung,
        epoch: t.epoch,
        scores: [...t.scores.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s),
        params: t.params,
        last: t.last,
      }));
  }

  /** The single state transition: what a decision does to its trial. */
  protected apply(d: Decision): void {
    if (d.kind === 'started') {
      const trial: Trial = {
        id: d.trialId,
        bracket: d.bracket,
        order: this.byId.size,
        status: 'pending',
        rung: 0,
        epoch: 0,
        scores: new Map(),
        decided: -1,
        params: d.params,
      };
      this.byId.set(d.trialId, trial);
      this.pending.push({ trialId: d.trialId, bracket: d.bracket, rung: 0, fromEpoch: 0, toEpoch: d.nextEpoch ?? 0 });
      return;
    }
    const trial = this.byId.get(d.trialId);
    if (!trial) throw new Error(`decision about trial ${d.trialId}, which never started`);
    // A restored decision: the segment it decided on ran (in the interrupted search) and is no longer waiting.
    for (let i = this.pending.length - 1; i >= 0; i--)
      if (this.pending[i]?.trialId === d.trialId) this.pending.splice(i, 1);
    trial.epoch = d.epoch;
    trial.rung = d.rung;
    if (d.kind === 'failed') trial.failedAt = d.rung;
    else if (d.score !== undefined && !trial.scores.has(d.rung)) trial.scores.set(d.rung, d.score);
    trial.decided = Math.max(trial.decided, d.rung);
    if (d.kind === 'promoted') {
      trial.status = 'pending';
      trial.rung = d.rung + 1;
      this.pending.push({
        trialId: trial.id,
        bracket: trial.bracket,
        rung: d.rung + 1,
        fromEpoch: d.epoch,
        toEpoch: d.nextEpoch ?? 0,
      });
      return;
    }
    trial.status = d.kind;
    trial.last = d;
  }

  /** The waiting segment to run first: the deepest rung, then the earliest bracket, then the earliest trial. */
  private takePending(): Segment | undefined {
    let best = -1;
    this.pending.forEach((s, i) => {
      const b = this.pending[best];
      const order = (x: Segment) => this.byId.get(x.trialId)?.order ?? 0;
      if (
        !b ||
        s.rung > b.rung ||
        (s.rung === b.rung && (s.bracket < b.bracket || (s.bracket === b.bracket && order(s) < order(b))))
      )
        best = i;
    });
    if (best < 0) return undefined;
    const [segment] = this.pending.splice(best, 1);
    const trial = this.byId.get((segment as Segment).trialId);
    if (trial) trial.status = 'running';
    return segment;
  }

  protected ladderOf(trial: Trial): number[] {
    return this.ladders[trial.bracket] ?? (this.ladders[0] as number[]);
  }

  /** Trials with a score (not a failure) at `rung` of `bracket`, in the order they started. */
  protected resultsAt(bracket: number, rung: number): Trial[] {
    return [...this.byId.values()]
      .filter((t) => t.bracket === bracket && t.scores.has(rung))
      .sort((a, b) => a.order - b.order);
  }

  /** A decision about a trial waiting at its rung: promoted to the next rung, or stopped. */
  protected verdict(trial: Trial, keep: boolean, cutoff: number | undefined): Decision {
    const ladder = this.ladderOf(trial);
    const score = trial.scores.get(trial.rung) as number;
    const base = { trialId: trial.id, bracket: trial.bracket, rung: trial.rung, epoch: trial.epoch, score, cutoff };
    return keep
      ? { ...base, kind: 'promoted', nextEpoch: ladder[trial.rung + 1] as number }
      : { ...base, kind: 'stopped', nextEpoch: null };
  }
}
