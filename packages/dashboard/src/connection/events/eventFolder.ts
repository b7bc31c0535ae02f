import { EVENT_TYPES, MlgymEventSchema } from '@mlgym/protocol';
import type { MlgymEvent } from '@mlgym/protocol';
import { BOARD_LIMITS } from './dataUpdate';
import type {
  BoardLimits,
  DataUpdate,
  ExperimentRow,
  LeftOut,
  SearchUpdate,
  SeriesKind,
  SeriesPoints,
} from './dataUpdate';
import { readEvaluation, readExperimentStatus } from './fastEvents';
import type { EvaluationResultPayload, ExperimentStatusPayload } from './fastEvents';

const MAX_PROBLEMS = 5;

/** The points of one series of one experiment since the last `take`, appended in place. */
interface PendingSeries {
  key: string;
  split: string;
  tag: string;
  kind: SeriesKind;
  experiment_id: number;
  epochs: Float64Array;
  values: Float64Array;
  length: number;
  /** Whether epochs only went up (then `take` needs no sort). */
  sorted: boolean;
}

function append(s: PendingSeries, epoch: number, value: number): void {
  if (s.length === s.epochs.length) {
    const epochs = new Float64Array(s.length * 2);
    const values = new Float64Array(s.length * 2);
    epochs.set(s.epochs);
    values.set(s.values);
    s.epochs = epochs;
    s.values = values;
  }
  if (s.length > 0 && (s.epochs[s.length - 1] as number) >= epoch) s.sorted = false;
  s.epochs[s.length] = epoch;
  s.values[s.length] = value;
  s.length++;
}

/** Exact-size columns sorted by epoch, the last value of a repeated epoch kept. */
function columns(s: PendingSeries): { epochs: Float64Array; values: Float64Array } {
  if (s.sorted) return { epochs: s.epochs.subarray(0, s.length), values: s.values.subarray(0, s.length) };
  const order = Array.from({ length: s.length }, (_, i) => i).sort(
    (a, b) => (s.epochs[a] as number) - (s.epochs[b] as number) || a - b,
  );
  const epochs: number[] = [];
  const values: number[] = [];
  for (const i of order) {
    const e = s.epochs[i] as number;
    if (epochs.length && epochs[epochs.length - 1] === e) values[values.length - 1] = s.values[i] as number;
    else {
      epochs.push(e);
      values.push(s.values[i] as number);
    }
  }
  return { epochs: Float64Array.from(epochs), values: Float64Array.from(values) };
}

export interface EventFolder {
  /** Folds one stored event (its id and its JSON body). Never throws. */
  fold(eventId: number, data: unknown): void;
  /** Whether anything was folded since the last `take`. */
  readonly pending: boolean;
  /** Highest event id folded so far (-1: none). */
  readonly lastEventId: number;
  /** The update folded since the last call, then starts a new one. */
  take(): DataUpdate;
}

/** A score as a point value: NaN for a missing number (drawn as a gap), undefined for a per-class list. */
function scoreValue(score: unknown): number | undefined {
  if (score === null) return NaN;
  if (typeof score === 'number') return Number.isFinite(score) ? score : NaN;
  return undefined; // per-class lists are not charted
}

function describeInvalid(eventId: number, data: unknown, issue: { path: PropertyKey[]; message: string } | undefined) {
  const type =
    typeof data === 'object' && data !== null && 'event_type' in data ? String(data.event_type) : 'without event_type';
  const where = issue?.path.length ? ` at ${issue.path.map(String).join('.')}` : '';
  return `event ${eventId} (${type}) is malformed${where}: ${issue?.message ?? 'not an object'}`;
}

/**
 * Folds protocol events into the smallest idempotent update: row fields merged per experiment,
 * points appended to typed-array columns per (series, experiment), one value per epoch (a replayed
 * or duplicated event overwrites its own epoch). Runs in the socket worker; `take` hands over the
 * columns' buffers (see `transferables`) and starts empty ones.
 */
export function createEventFolder(startAfter = -1, limits: Readonly<BoardLimits> = BOARD_LIMITS): EventFolder {
  let rows = new Map<number, ExperimentRow>();
  let configs = new Map<number, Record<string, unknown>>();
  let series = new Map<number, Map<string, Map<string, PendingSeries>>>();
  let events = 0;
  let unknown = 0;
  let malformed = 0;
  let missingScores = 0;
  let missingExample: string | null = null;
  let problems: string[] = [];
  let lastEventId = startAfter;
  // The board's limits (kept across takes): the experiments and series admitted so far, and what was
  // left out. Checked only where a row or a series is first made in an update, never per point.
  const experiments = new Set<number>();
  const seriesKeys = new Set<string>();
  const leftOutNames = new Set<string>();
  let leftOut: LeftOut = { seriesNames: [], series: 0, scores: 0, experimentEvents: 0 };
  let leftOutPending = false;
  const admitted = (id: number): boolean => {
    if (experiments.has(id)) return true;
    if (experiments.size < limits.experiments) {
      experiments.add(id);
      return true;
    }
    leftOut.experimentEvents++;
    leftOutPending = true;
    return false;
  };
  const seriesAdmitted = (key: string): boolean => {
    if (seriesKeys.has(key)) return true;
    if (seriesKeys.size < limits.series) {
      seriesKeys.add(key);
      return true;
    }
    leftOutPending = true;
    leftOut.scores++;
    // distinct names are counted up to a bound: a publisher sending new names without end costs no memory
    if (!leftOutNames.has(key) && leftOutNames.size < 100 * limits.listedNames) {
      leftOutNames.add(key);
      leftOut.series++;
      if (leftOutNames.size <= limits.listedNames) leftOut.seriesNames.push(key);
    }
    return false;
  };
  let search: SearchUpdate | undefined;

  // experiments whose last job status is DONE, across takes (rows hold only what a take changed)
  const finished = new Set<number>();
  const row = (id: number): ExperimentRow => {
    let r = rows.get(id);
    if (!r) rows.set(id, (r = { experiment_id: id }));
    return r;
  };
  const problem = (text: string) => {
    problems.push(text);
    if (problems.length > MAX_PROBLEMS) problems.shift();
  };
  // (experiment, split, tag) → its points: nested maps, so a point costs no key string
  // the series of the experiment asked last (an evaluation asks a dozen times for the same one)
  let lastExperiment = -1;
  let lastSplits: Map<string, Map<string, PendingSeries>> | undefined;
  const point = (e: { experiment_id: number; epoch: number }, split: string, tag: string, kind: SeriesKind) => {
    let bySplit = e.experiment_id === lastExperiment ? lastSplits : series.get(e.experiment_id);
    if (!bySplit) series.set(e.experiment_id, (bySplit = new Map()));
    lastExperiment = e.experiment_id;
    lastSplits = bySplit;
    let byTag = bySplit.get(split);
    if (!byTag) bySplit.set(split, (byTag = new Map()));
    let s = byTag.get(tag);
    if (!s) {
      if (!seriesAdmitted(`${split}_${tag}`)) return undefined;
      const epochs = new Float64Array(16);
      const values = new Float64Array(16);
      const key = `${split}_${tag}`;
      s = { key, split, tag, kind, experiment_id: e.experiment_id, epochs, values, length: 0, sorted: true };
      byTag.set(tag, s);
    }
    return s;
  };

  function applyStatus(p: ExperimentStatusPayload): void {
    const r = row(p.experiment_id);
    r.model_status = p.status;
    r.num_epochs = p.num_epochs;
    r.current_epoch = p.current_epoch;
    r.splits = p.splits.join(',');
    r.current_split = p.current_split;
    r.num_batches = p.num_batches;
    r.current_batch = p.current_batch;
  }

  function applyEvaluation(p: EvaluationResultPayload): void {
    row(p.experiment_id);
    const add = (split: string, tag: string, kind: SeriesKind, score: unknown) => {
      const v = scoreValue(score);
      if (v === undefined) return;
      const s = point(p, split, tag, kind);
      if (!s) return;
      append(s, p.epoch, v);
      if (Number.isNaN(v)) {
        missingScores++;
        missingExample ??= `${split}_${tag} of experiment ${p.experiment_id} at epoch ${p.epoch}`;
      }
    };
    for (const m of p.metric_scores) add(m.split, m.metric, 'metric', m.score);
    for (const l of p.loss_scores) add(l.split, l.loss, 'loss', l.score);
  }

  function apply(event: MlgymEvent): void {
    // a search's plan and decisions belong to no one experiment: never left out
    const id = 'experiment_id' in event.payload ? event.payload.experiment_id : undefined;
    if (typeof id === 'number' && !admitted(id)) return;
    switch (event.event_type) {
      case 'job_status': {
        const p = event.payload;
        const r = row(p.experiment_id);
        // A warm start repeats the DONE of a finished experiment without its times (-1): keep the known ones.
        const keepTimes = p.status === 'DONE' && p.starting_time < 0 && p.finishing_time < 0;
        if (p.status === 'DONE') finished.add(p.experiment_id);
        else finished.delete(p.experiment_id); // a warm start extending it runs it again
        Object.assign(r, {
          job_id: p.job_id,
          job_type: p.job_type,
          job_status: p.status,
          starting_time: keepTimes ? r.starting_time : p.starting_time,
          finishing_time: keepTimes ? r.finishing_time : p.finishing_time,
          error: p.error,
          stacktrace: p.stacktrace,
        });
        return;
      }
      case 'experiment_status':
        return applyStatus(event.payload);
      case 'evaluation_result':
        return applyEvaluation(event.payload);
      case 'experiment_config': {
        row(event.payload.experiment_id);
        configs.set(event.payload.experiment_id, event.payload.config);
        return;
      }
      case 'job_interrupted': {
        // A lost worker is reported by the run's parent, whose events may arrive after those of the worker that
        // took the job over: a finished job stays finished.
        if (finished.has(event.payload.experiment_id)) return;
        const r = row(event.payload.experiment_id);
        r.job_status = 'INTERRUPTED';
        r.interrupted_epoch = event.payload.epoch;
        return;
      }
      case 'search_plan':
        search ??= { plan: null, decisions: [] };
        search.plan = event.payload;
        return;
      case 'search_decision': {
        const p = event.payload;
        search ??= { plan: null, decisions: [] };
        search.decisions.push(p);
        for (const id of p.experiment_ids) {
          Object.assign(row(id), {
            search_trial: p.trial_id,
            search_decision: p.decision,
            search_rung: p.rung,
            search_epoch: p.epoch,
            search_next_epoch: p.next_epoch,
            search_score: p.score,
            search_cutoff: p.cutoff,
            search_reason: p.reason ?? null,
          });
        }
        return;
      }
    }
  }

  return {
    fold(eventId, data) {
      events++;
      if (eventId > lastEventId) lastEventId = eventId;
      const evaluation = readEvaluation(data);
      if (evaluation) return void (admitted(evaluation.experiment_id) && applyEvaluation(evaluation));
      const status = readExperimentStatus(data);
      if (status) return void (admitted(status.experiment_id) && applyStatus(status));
      const parsed = MlgymEventSchema.safeParse(data);
      if (parsed.success) return apply(parsed.data);
      const type = typeof data === 'object' && data !== null && 'event_type' in data ? data.event_type : undefined;
      if (typeof type === 'string' && !(EVENT_TYPES as readonly string[]).includes(type)) {
        unknown++;
        problem(`event ${eventId} has an unknown event_type ${JSON.stringify(type)}`);
      } else {
        malformed++;
        problem(describeInvalid(eventId, data, parsed.error.issues[0]));
      }
    },
    get pending() {
      return events > 0;
    },
    get lastEventId() {
      return lastEventId;
    },
    take() {
      // Every series' columns are views of two shared buffers: a post then transfers two buffers,
      // not two per series (a history of 1,000 experiments has 12,000 series).
      const pending: Array<[PendingSeries, { epochs: Float64Array; values: Float64Array }]> = [];
      let total = 0;
      for (const bySplit of series.values())
        for (const byTag of bySplit.values())
          for (const s of byTag.values()) {
            const c = columns(s);
            pending.push([s, c]);
            total += c.epochs.length;
          }
      const allEpochs = new Float64Array(total);
      const allValues = new Float64Array(total);
      const points: SeriesPoints[] = [];
      let at = 0;
      for (const [{ key, split, tag, kind, experiment_id }, c] of pending) {
        const n = c.epochs.length;
        allEpochs.set(c.epochs, at);
        allValues.set(c.values, at);
        points.push({
          key,
          split,
          tag,
          kind,
          experiment_id,
          epochs: allEpochs.subarray(at, at + n),
          values: allValues.subarray(at, at + n),
        });
        at += n;
      }
      const update: DataUpdate = {
        rows: [...rows.values()],
        configs: [...configs].map(([experiment_id, config]) => ({ experiment_id, config })),
        points,
        events,
        lastEventId,
        unknown,
        malformed,
        missingScores,
        problems: missingExample
          ? [...problems, `no number for ${missingExample} (null or NaN): drawn as a gap`].slice(-MAX_PROBLEMS)
          : problems,
        ...(leftOutPending ? { leftOut } : {}),
        ...(search ? { search } : {}),
      };
      leftOut = { seriesNames: [], series: 0, scores: 0, experimentEvents: 0 };
      leftOutPending = false;
      search = undefined;
      rows = new Map();
      configs = new Map();
      series = new Map();
      lastExperiment = -1;
      lastSplits = undefined;
      events = unknown = malformed = missingScores = 0;
      missingExample = null;
      problems = [];
      return update;
    },
  };
}

/** The buffers of an update's columns: posted as transferables, they move to the page without a copy. */
export function transferables(update: DataUpdate): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const p of update.points) out.add(p.epochs.buffer as ArrayBuffer).add(p.values.buffer as ArrayBuffer);
  return [...out];
}
