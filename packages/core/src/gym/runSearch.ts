import { MlgymError } from '@mlgym/protocol';
import type { MlgymIssue, SearchPlanPayload } from '@mlgym/protocol';
import type { GridSearchStore } from '@mlgym/storage';
import type { PlannedExperiment } from '../experiments/planExperiments.js';
import type { EventSink } from '../reporting/eventSink.js';
import { creationTs } from '../reporting/eventSink.js';
import { createScheduler } from '../search/createScheduler.js';
import type { AdaptiveSpec } from '../search/createScheduler.js';
import type { Decision, SchedulerPlan, Segment, TrialStatus } from '../search/searchTypes.js';
import type { SplitResult } from '../training/earlyStopping.js';
import { didYouMean } from '../util/nearest.js';
import type { JobExecutor } from './jobExecutor.js';
import { announceJobs } from './jobEvents.js';
import type { JobResult } from './jobSpec.js';
import { decisionEvent, decisionOf } from './searchLedger.js';
import type { RecordedSearch } from './searchLedger.js';
import type { TrialSpace } from './trialSpace.js';

export interface SearchRunOptions {
  gridSearchId: string;
  spec: AdaptiveSpec;
  /** The search's seed, resolved (its own, else the run's, else 0). */
  seed: number;
  /** num_epochs: the most a trial trains. */
  maxEpochs: number;
  space: TrialSpace;
  executor: JobExecutor;
  sink: EventSink;
  store: GridSearchStore;
  /** A resumed search: what it recorded before it was interrupted. */
  recorded?: RecordedSearch | undefined;
  /** Where the search section is written, for errors about it. */
  issueAt: (key: string, fields: Omit<MlgymIssue, 'code' | 'file'>) => MlgymIssue;
  /** Stores a new trial's experiment configs (TPE proposes them as it goes). */
  storeExperiment?: ((e: PlannedExperiment) => Promise<void>) | undefined;
  /** Stops every job (a fatal error of the search). */
  abort: () => void;
  signal?: AbortSignal | undefined;
  log?: ((line: string) => void) | undefined;
}

/** A trial at the end of a search (or of this part of it). */
export interface SearchTrialSummary {
  trialId: number;
  experimentIds: number[];
  bracket: number;
  status: TrialStatus | 'interrupted';
  /** Epochs trained (each fold). */
  epoch: number;
  rung: number;
  /** Its score at the last rung it reached (NaN: not a number). */
  score?: number | undefined;
  /** The decision that ended it. */
  last?: Decision | undefined;
  swept: Record<string, unknown>;
}

export interface SearchSummary {
  algorithm: AdaptiveSpec['algorithm'];
  metric: string;
  mode: 'max' | 'min';
  maxEpochs: number;
  folds: number;
  plan: SchedulerPlan;
  trials: SearchTrialSummary[];
  /** The best trial that reached the last rung, else the best at the highest rung reached. */
  best?: SearchTrialSummary | undefined;
  /** Epochs trained by all trials (every fold), continuing from checkpoints: what the search cost. */
  epochsTrained: number;
  /** What training every candidate to num_epochs would cost. */
  gridEpochs: number;
  /** Decisions taken now, and replayed from the record of an interrupted search. */
  decisionsTaken: number;
  decisionsReplayed: number;
  interrupted: boolean;
}

export interface SearchOutcome {
  summary: SearchSummary;
  /** Each experiment's last job. */
  results: JobResult[];
}

/** Times a segment whose worker was lost is run again before it counts as failed. */
const MAX_LOST = 2;

interface SegmentRun {
  segment: Segment;
  results: Array<JobResult | undefined>;
}

/** The rung score: the metric on its split, as a number (NaN when it is one); a missing one is an error. */
function scoreOf(results: readonly SplitResult[], metric: string, options: SearchRunOptions): number {
  const [split, key] = [metric.slice(0, metric.indexOf('/')), metric.slice(metric.indexOf('/') + 1)];
  const known = results.flatMap((r) =>
    [...Object.keys(r.metrics), ...Object.keys(r.losses)].map((k) => `${r.split}/${k}`),
  );
  const r = results.find((x) => x.split === split);
  const value = r ? (key in r.metrics ? r.metrics[key] : r.losses[key]) : undefined;
  if (typeof value === 'number') return value;
  throw MlgymError.fromIssue(
    options.issueAt('metric', {
      problem:
        value === undefined
          ? `the evaluation reports no "${metric}"`
          : `"${metric}" is not one number (a per-class metric?): the search ranks trials by one`,
      found: metric,
      expected: `one of ${known.join(', ')}`,
      hint: didYouMean(metric, known),
    }),
  );
}

/**
 * Runs an adaptive search: asks the scheduler for a segment whenever the executor has a free worker, trains it
 * (every fold; a promoted trial continues from its checkpoint, on any worker), reports the rung's score (the mean
 * over folds) and records every decision as a `search_decision` event before acting on it. A resumed search
 * replays its recorded decisions first, so none is taken twice, and runs again the segments they left waiting.
 */
export async function runSearch(options: SearchRunOptions): Promise<SearchOutcome> {
  const { spec, space, sink, executor, gridSearchId } = options;
  const stored = space.stored;
  const scheduler = createScheduler({
    spec,
    maxEpochs: options.maxEpochs,
    candidates: stored.candidates,
    dimensions: stored.tpe?.dimensions,
    defaultTrials: stored.tpe?.numTrials,
    seed: options.seed,
  });
  const experimentsOf = new Map<number, PlannedExperiment[]>();
  const experiments = (trialId: number, params?: Record<string, unknown>) => {
    let list = experimentsOf.get(trialId);
    if (!list) experimentsOf.set(trialId, (list = space.experimentsOf(trialId, params)));
    return list;
  };
  const replayed = options.recorded?.decisions ?? [];
  for (const p of replayed) {
    const d = decisionOf(p);
    if (d.kind === 'started') experiments(d.trialId, d.params);
    scheduler.restore(d);
  }
  let seq = replayed.length;
  const resumed = options.recorded !== undefined;
  if (!resumed) sink.emit(planEvent(options, scheduler.plan));

  const record = async (decisions: readonly Decision[]) => {
    for (const d of decisions) {
      const list = experiments(d.trialId, d.params);
      if (d.kind === 'started') {
        if (options.storeExperiment) for (const e of list) await options.storeExperiment(e);
        announceJobs(
          sink,
          gridSearchId,
          list.map((e) => ({ experimentId: e.experiment_id, config: e.config })),
        );
      }
      sink.emit(
        decisionEvent(
          gridSearchId,
          seq++,
          d,
          list.map((e) => e.experiment_id),
        ),
      );
      options.log?.(describeDecision(d, spec.metric));
    }
    // Acted on only once stored: a search killed now finds every decision it acted on in its log.
    if (decisions.length > 0) await sink.flush(20_000);
  };

  const lastResult = new Map<number, JobResult>();
  const inflight = new Map<number, Promise<SegmentRun>>();
  const lost = new Map<number, number>();
  const dispatch = (segment: Segment, again = false) => {
    const list = experiments(segment.trialId);
    const run = Promise.all(
      list.map((e) =>
        executor.run({
          experimentId: e.experiment_id,
          config: e.config,
          resume: resumed || again || segment.fromEpoch > 0,
          numEpochs: segment.toEpoch,
        }),
      ),
    ).then((results) => ({ segment, results }));
    inflight.set(segment.trialId, run);
  };

  let interrupted = false;
  try {
    for (;;) {
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
      let free = await executor.idle();
      while (free > 0) {
        const next = scheduler.next();
        if (!next) break;
        await record(next.decisions);
        dispatch(next.segment);
        free -= stored.folds;
      }
      if (inflight.size === 0) break;
      const tick = new Promise<undefined>((r) => setTimeout(() => r(undefined), 1000).unref());
      const done = await Promise.race([...inflight.values(), tick]);
      if (!done) continue;
      inflight.delete(done.segment.trialId);
      for (const r of done.results) if (r) lastResult.set(r.experimentId, r);
      if (options.signal?.aborted || done.results.some((r) => r === undefined)) {
        interrupted = true;
        continue;
      }
      if (done.results.some((r) => r?.status === 'interrupted')) {
        // A lost worker: the segment continues from its last checkpoint, on any worker.
        const tries = (lost.get(done.segment.trialId) ?? 0) + 1;
        lost.set(done.segment.trialId, tries);
        if (tries <= MAX_LOST) {
          options.log?.(`trial ${done.segment.trialId}: its worker was lost; continuing from its last checkpoint`);
          dispatch(done.segment, true);
          continue;
        }
      }
      await record(scheduler.report(reportOf(done, options)));
    }
  } catch (error) {
    options.abort();
    await Promise.allSettled(inflight.values());
    throw error;
  }
  if (interrupted) {
    // The jobs in hand stop with the run; what they finished is in their checkpoints.
    for (const run of await Promise.all(inflight.values()))
      for (const r of run.results) if (r) lastResult.set(r.experimentId, r);
  }
  return {
    summary: summarise(options, scheduler, experiments, { seq, replayed: replayed.length, interrupted }),
    results: [...lastResult.values()].sort((a, b) => a.experimentId - b.experimentId),
  };
}

function reportOf({ segment, results }: SegmentRun, options: SearchRunOptions) {
  const done = results as JobResult[];
  const failed = done.find((r) => r.status === 'failed' || r.status === 'interrupted');
  const reached = Math.min(...done.map((r) => r.lastEpoch + 1));
  if (failed)
    return {
      trialId: segment.trialId,
      epoch: Math.max(segment.fromEpoch, reached),
      score: Number.NaN,
      failed: failed.error ?? 'failed',
    };
  const scores = done.map((r) => {
    if (!r.final) throw new Error(`experiment ${r.experimentId} reported no evaluation for epoch ${r.lastEpoch}`);
    return scoreOf(r.final, options.spec.metric, options);
  });
  const score = scores.reduce((a, b) => a + b, 0) / scores.length;
  return { trialId: segment.trialId, epoch: reached, score, ended: done.some((r) => r.stoppedEarly) };
}

function planEvent(options: SearchRunOptions, plan: SchedulerPlan) {
  const folds = options.space.stored.folds;
  const candidates = options.space.stored.tpe?.numTrials ?? options.space.stored.candidates.length;
  const payload: SearchPlanPayload = {
    grid_search_id: options.gridSearchId,
    algorithm: options.spec.algorithm,
    metric: options.spec.metric,
    mode: options.spec.mode,
    seed: options.seed,
    max_epochs: options.maxEpochs,
    num_trials: plan.numTrials,
    folds,
    brackets: plan.brackets.map((b) => ({ bracket: b.bracket, rungs: b.rungs.map((r) => ({ ...r })) })),
    budget_epochs: plan.budgetEpochs === null ? null : plan.budgetEpochs * folds,
    grid_epochs: candidates * options.maxEpochs * folds,
  };
  return { event_type: 'search_plan' as const, creation_ts: creationTs(), payload };
}

const fmt = (x: number | undefined) => (x === undefined ? '–' : Number.isNaN(x) ? 'NaN' : x.toFixed(4));

/** A decision as one line: `trial 4 stopped at epoch 3 (rung 1: 0.8100 < cut-off 0.8600)`. */
export function describeDecision(d: Decision, metric: string, mode: 'max' | 'min' = 'max'): string {
  const below = mode === 'max' ? '<' : '>';
  switch (d.kind) {
    case 'started':
      return `trial ${d.trialId}: started (to epoch ${d.nextEpoch})`;
    case 'promoted':
      return `trial ${d.trialId}: promoted at epoch ${d.epoch} (rung ${d.rung}: ${metric} ${fmt(d.score)}${d.cutoff === undefined ? '' : ` ≥ cut-off ${fmt(d.cutoff)}`}), on to epoch ${d.nextEpoch}`;
    case 'stopped':
      return `trial ${d.trialId}: stopped at epoch ${d.epoch} (rung ${d.rung}: ${d.reason ?? `${fmt(d.score)} ${below} cut-off ${fmt(d.cutoff)}`})`;
    case 'completed':
      return `trial ${d.trialId}: completed at epoch ${d.epoch} (${metric} ${fmt(d.score)}${d.reason ? `; ${d.reason}` : ''})`;
    case 'failed':
      return `trial ${d.trialId}: failed at epoch ${d.epoch} (${d.reason ?? 'error'})`;
  }
}

function summarise(
  options: SearchRunOptions,
  scheduler: ReturnType<typeof createScheduler>,
  experiments: (trialId: number) => PlannedExperiment[],
  counts: { seq: number; replayed: number; interrupted: boolean },
): SearchSummary {
  const folds = options.space.stored.folds;
  const { mode } = options.spec;
  const trials: SearchTrialSummary[] = scheduler.trials().map((t) => {
    const list = experiments(t.trialId);
    const terminal = t.status === 'stopped' || t.status === 'completed' || t.status === 'failed';
    return {
      trialId: t.trialId,
      experimentIds: list.map((e) => e.experiment_id),
      bracket: t.bracket,
      status: terminal || !counts.interrupted ? t.status : 'interrupted',
      epoch: t.epoch,
      rung: t.rung,
      score: t.scores.at(-1),
      last: t.last,
      swept: t.params ?? list[0]?.swept ?? {},
    };
  });
  const deepest = Math.max(
    -1,
    ...trials.filter((t) => t.score !== undefined && !Number.isNaN(t.score)).map((t) => t.epoch),
  );
  let best: SearchTrialSummary | undefined;
  for (const t of trials) {
    if (t.epoch !== deepest || t.score === undefined || Number.isNaN(t.score)) continue;
    if (!best || (mode === 'max' ? t.score > (best.score as number) : t.score < (best.score as number))) best = t;
  }
  const candidates = options.space.stored.tpe?.numTrials ?? options.space.stored.candidates.length;
  return {
    algorithm: options.spec.algorithm,
    metric: options.spec.metric,
    mode,
    maxEpochs: options.maxEpochs,
    folds,
    plan: scheduler.plan,
    trials,
    best,
    epochsTrained: trials.reduce((n, t) => n + t.epoch * folds, 0),
    gridEpochs: candidates * options.maxEpochs * folds,
    decisionsTaken: counts.seq - counts.replayed,
    decisionsReplayed: counts.replayed,
    interrupted: counts.interrupted,
  };
}
