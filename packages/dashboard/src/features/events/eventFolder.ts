import { EVENT_TYPES, MlgymEventSchema } from '@mlgym/protocol';
import type { MlgymEvent } from '@mlgym/protocol';
import type { DataUpdate, ExperimentRow, SeriesKind, SeriesPoints } from './dataUpdate';

const MAX_PROBLEMS = 5;

interface PendingSeries {
  key: string;
  split: string;
  tag: string;
  kind: SeriesKind;
  experiment_id: number;
  byEpoch: Map<number, number | null>;
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

function scoreValue(score: unknown): number | null | undefined {
  if (score === null) return null;
  if (typeof score === 'number') return Number.isFinite(score) ? score : null;
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
 * points keyed by (series, experiment, epoch) so a replayed or duplicated event overwrites its own
 * epoch. Runs in the socket worker; the page applies the result with `applyDataUpdate`.
 */
export function createEventFolder(startAfter = -1): EventFolder {
  let rows = new Map<number, ExperimentRow>();
  let configs = new Map<number, Record<string, unknown>>();
  let series = new Map<string, PendingSeries>();
  let events = 0;
  let unknown = 0;
  let malformed = 0;
  let missingScores = 0;
  let missingExample: string | null = null;
  let problems: string[] = [];
  let lastEventId = startAfter;

  const row = (id: number): ExperimentRow => {
    let r = rows.get(id);
    if (!r) rows.set(id, (r = { experiment_id: id }));
    return r;
  };
  const problem = (text: string) => {
    problems.push(text);
    if (problems.length > MAX_PROBLEMS) problems.shift();
  };
  const point = (e: { experiment_id: number; epoch: number }, split: string, tag: string, kind: SeriesKind) => {
    const key = `${split}_${tag}`;
    const id = `${key}\u0000${e.experiment_id}`;
    let s = series.get(id);
    if (!s) series.set(id, (s = { key, split, tag, kind, experiment_id: e.experiment_id, byEpoch: new Map() }));
    return s;
  };

  function apply(event: MlgymEvent): void {
    switch (event.event_type) {
      case 'job_status': {
        const p = event.payload;
        Object.assign(row(p.experiment_id), {
          job_id: p.job_id,
          job_type: p.job_type,
          job_status: p.status,
          starting_time: p.starting_time,
          finishing_time: p.finishing_time,
          error: p.error,
          stacktrace: p.stacktrace,
        });
        return;
      }
      case 'experiment_status': {
        const p = event.payload;
        Object.assign(row(p.experiment_id), {
          model_status: p.status,
          num_epochs: p.num_epochs,
          current_epoch: p.current_epoch,
          splits: p.splits.join(','),
          current_split: p.current_split,
          num_batches: p.num_batches,
          current_batch: p.current_batch,
        });
        return;
      }
      case 'evaluation_result': {
        const p = event.payload;
        row(p.experiment_id);
        const add = (split: string, tag: string, kind: SeriesKind, score: unknown) => {
          const v = scoreValue(score);
          if (v === undefined) return;
          point(p, split, tag, kind).byEpoch.set(p.epoch, v);
          if (v === null) {
            missingScores++;
            missingExample ??= `${split}_${tag} of experiment ${p.experiment_id} at epoch ${p.epoch}`;
          }
        };
        for (const m of p.metric_scores) add(m.split, m.metric, 'metric', m.score);
        for (const l of p.loss_scores) add(l.split, l.loss, 'loss', l.score);
        return;
      }
      case 'experiment_config': {
        row(event.payload.experiment_id);
        configs.set(event.payload.experiment_id, event.payload.config);
        return;
      }
    }
  }

  return {
    fold(eventId, data) {
      events++;
      if (eventId > lastEventId) lastEventId = eventId;
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
      const points: SeriesPoints[] = [];
      for (const s of series.values()) {
        const epochs = [...s.byEpoch.keys()].sort((a, b) => a - b);
        points.push({
          key: s.key,
          split: s.split,
          tag: s.tag,
          kind: s.kind,
          experiment_id: s.experiment_id,
          epochs,
          values: epochs.map((e) => s.byEpoch.get(e) ?? null),
        });
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
      };
      rows = new Map();
      configs = new Map();
      series = new Map();
      events = unknown = malformed = missingScores = 0;
      missingExample = null;
      problems = [];
      return update;
    },
  };
}
