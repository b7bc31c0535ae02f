import { Rng } from '../util/rng.js';
import type { Decision, Segment, TrialScheduler } from './searchTypes.js';

/** A scripted outcome: a score, a score that is not a number, a failure, or the trial's own early stop. */
export type Scripted = number | 'nan' | 'fail' | { endedAt: number; score: number };

export interface Simulation {
  decisions: Decision[];
  /** Epochs trained over all segments. */
  epochs: number;
  /** Segments in the order they started. */
  started: Segment[];
  /** With `duration`: when the last segment ended. */
  wallTime: number;
}

export interface SimulateOptions {
  workers: number;
  /** Which running segment finishes next (index into the running list); default: a seeded random one. */
  pick?: (running: readonly Segment[]) => number;
  /** How long a segment takes: then segments finish in time order (ties: the one started first). */
  duration?: (segment: Segment) => number;
  seed?: number;
  /** Stop after this many reports (to interrupt a search). */
  maxReports?: number;
}

/**
 * Drives a scheduler as the runner does, with scripted scores instead of training (unit tests, and the tabular
 * replay of recorded learning curves in `npm run bench:search`): workers take segments while `next()` gives
 * them, and segments finish in the order `pick` chooses, or in time order given their `duration`.
 */
export function simulate(
  scheduler: TrialScheduler,
  score: (trialId: number, epochs: number) => Scripted,
  options: SimulateOptions,
): Simulation {
  const rng = new Rng(options.seed ?? 0);
  const running: Segment[] = [];
  const ends = new Map<Segment, number>();
  const out: Simulation = { decisions: [], epochs: 0, started: [], wallTime: 0 };
  let reports = 0;
  let clock = 0;
  for (;;) {
    while (running.length < options.workers) {
      const next = scheduler.next();
      if (!next) break;
      out.decisions.push(...next.decisions);
      out.started.push(next.segment);
      running.push(next.segment);
      if (options.duration) ends.set(next.segment, clock + options.duration(next.segment));
    }
    if (running.length === 0 || reports === options.maxReports) break;
    let i: number;
    if (options.duration) {
      i = 0;
      running.forEach((s, j) => {
        if ((ends.get(s) as number) < (ends.get(running[i] as Segment) as number)) i = j;
      });
      clock = ends.get(running[i] as Segment) as number;
      out.wallTime = clock;
    } else {
      i = options.pick ? options.pick(running) : rng.nextInt(running.length);
    }
    const [segment] = running.splice(i, 1) as [Segment];
    const outcome = score(segment.trialId, segment.toEpoch);
    reports++;
    if (typeof outcome === 'object') {
      const epoch = Math.min(outcome.endedAt, segment.toEpoch);
      out.epochs += epoch - segment.fromEpoch;
      const ended = outcome.endedAt < segment.toEpoch;
      out.decisions.push(...scheduler.report({ trialId: segment.trialId, epoch, score: outcome.score, ended }));
      continue;
    }
    out.epochs += segment.toEpoch - segment.fromEpoch;
    out.decisions.push(
      ...scheduler.report({
        trialId: segment.trialId,
        epoch: segment.toEpoch,
        score: outcome === 'nan' ? Number.NaN : outcome === 'fail' ? Number.NaN : outcome,
        failed: outcome === 'fail' ? 'worker said no' : undefined,
      }),
    );
  }
  return out;
}

/** Decisions as comparable lines, e.g. `3 promoted r0 0.8 ≥ 0.7`. */
export function lines(decisions: readonly Decision[]): string[] {
  return decisions.map(
    (d) =>
      `${d.trialId} ${d.kind} b${d.bracket} r${d.rung} e${d.epoch}${d.nextEpoch ? `→${d.nextEpoch}` : ''}${d.score === undefined ? '' : ` ${d.score}`}${d.cutoff === undefined ? '' : ` cut ${d.cutoff}`}`,
  );
}

/** The same decisions whatever order they were taken in (sorted lines). */
export const decisionSet = (decisions: readonly Decision[]) => lines(decisions).sort();
