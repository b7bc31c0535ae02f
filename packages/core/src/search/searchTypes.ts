import type { SearchDecisionKind } from '@mlgym/protocol';

export type Mode = 'max' | 'min';

/** A stretch of training a trial needs: from its checkpoint after `fromEpoch` epochs up to `toEpoch` epochs. */
export interface Segment {
  trialId: number;
  bracket: number;
  /** The rung the segment ends at. */
  rung: number;
  fromEpoch: number;
  toEpoch: number;
}

/** What a trial reports at the end of a segment. */
export interface RungReport {
  trialId: number;
  /** Epochs trained: the rung's, or fewer when the trial's own early stopping ended it. */
  epoch: number;
  /** The rung's score (the mean over folds); NaN when it is not a number. */
  score: number;
  /** The trial's own early stopping ended it before the rung: it cannot go on. */
  ended?: boolean | undefined;
  /** A fold failed, with this error. */
  failed?: string | undefined;
}

/** One decision about one trial, in the order taken. */
export interface Decision {
  trialId: number;
  kind: SearchDecisionKind;
  bracket: number;
  /** The rung decided at (`started`: 0). */
  rung: number;
  /** Epochs the trial had trained when decided. */
  epoch: number;
  /** `started`, `promoted`: the epochs it trains up to next; otherwise null. */
  nextEpoch: number | null;
  /** The rung's score (NaN: not a number); undefined for `started`. */
  score?: number | undefined;
  /** The score a trial had to reach to continue, when there was one. */
  cutoff?: number | undefined;
  reason?: string | undefined;
  /** `started`: the trial's swept values, for a search that proposes them (TPE). */
  params?: Record<string, unknown> | undefined;
}

export type TrialStatus = 'pending' | 'running' | 'waiting' | 'stopped' | 'completed' | 'failed';

/** A trial as the scheduler sees it. */
export interface TrialView {
  trialId: number;
  bracket: number;
  status: TrialStatus;
  /** Index of the rung it trains towards or last reached. */
  rung: number;
  /** Epochs trained so far. */
  epoch: number;
  /** Score at each rung reached (NaN: not a number). */
  scores: number[];
  params?: Record<string, unknown> | undefined;
  /** The decision that ended it (stopped, completed, failed). */
  last?: Decision | undefined;
}

/** One bracket's rungs: epochs at each, and how many trials reach it (null when the scores decide). */
export interface BracketPlan {
  bracket: number;
  rungs: Array<{ rung: number; epochs: number; trials: number | null }>;
}

/** What a scheduler plans: brackets, rungs and the epoch budget (per fold; null when the scores decide). */
export interface SchedulerPlan {
  brackets: BracketPlan[];
  numTrials: number;
  budgetEpochs: number | null;
}

/** An adaptive search's decisions, taken from reports; pure and deterministic given its inputs. */
export interface TrialScheduler {
  readonly plan: SchedulerPlan;
  /** A segment to run now, with the decisions that start it (`started`), or undefined when none can start. */
  next(): { segment: Segment; decisions: Decision[] } | undefined;
  /** A segment's result; the decisions it allows (possibly about other trials, possibly none yet). */
  report(report: RungReport): Decision[];
  /** Puts back a decision a search recorded before it was interrupted (in recorded order). */
  restore(decision: Decision): void;
  trials(): TrialView[];
}
