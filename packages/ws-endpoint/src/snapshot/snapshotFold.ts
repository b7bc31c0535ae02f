import {
  EVENT_SCHEMAS,
  EVENT_TYPES,
  MAX_EVENT_BYTES,
  MAX_JSON_DEPTH,
  jsonSizeAtLeast,
  nestsDeeperThan,
} from '@mlgym/protocol';
import type { GridSearchSnapshot, MlgymEvent } from '@mlgym/protocol';
import { SeriesColumn } from './seriesColumn.js';

/** Events it could not read that a snapshot passes on as they are (the board says what was wrong with the last ones). */
const PROBLEMS_PASSED_ON = 5;

type Row = { experiment_id: number } & Record<string, unknown>;

interface Series {
  split: string;
  tag: string;
  kind: 'metric' | 'loss';
  columns: Map<number, SeriesColumn>;
}

/** A score as a point: NaN for a missing number, undefined for a per-class list (not charted). */
function scoreValue(score: unknown): number | undefined {
  if (score === null) return NaN;
  if (typeof score === 'number') return Number.isFinite(score) ? score : NaN;
  return undefined;
}

/** Whether a stored line needs the size walk: its parsed value can be at most about 6 times its text (numbers). */
const mayBeTooLarge = (line: string) => line.length * 6 > MAX_EVENT_BYTES;

/** Whether a line can nest deeper than allowed: it has more brackets than levels allowed. */
function mayNestTooDeep(line: string): boolean {
  let brackets = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c === 0x7b || c === 0x5b) && ++brackets > MAX_JSON_DEPTH) return true;
  }
  return false;
}

/**
 * Reads a stored line as the protocol does (MlgymEventSchema's verdict, the bounds checked only where
 * the text could break them): the event, or why it is not one.
 */
function readLine(line: string): { event: MlgymEvent } | { problem: 'unknown' | 'malformed' } {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return { problem: 'malformed' };
  }
  const type = typeof data === 'object' && data !== null ? (data as { event_type?: unknown }).event_type : undefined;
  if (typeof type === 'string' && !(EVENT_TYPES as readonly string[]).includes(type)) return { problem: 'unknown' };
  if (
    (mayNestTooDeep(line) && nestsDeeperThan(data, MAX_JSON_DEPTH)) ||
    (mayBeTooLarge(line) && jsonSizeAtLeast(data, MAX_EVENT_BYTES))
  )
    return { problem: 'malformed' };
  const schema = EVENT_SCHEMAS[type as keyof typeof EVENT_SCHEMAS] as
    (typeof EVENT_SCHEMAS)[keyof typeof EVENT_SCHEMAS] | undefined;
  if (!schema) return { problem: 'malformed' };
  const parsed = schema.safeParse(data);
  return parsed.success ? { event: parsed.data as MlgymEvent } : { problem: 'malformed' };
}

/**
 * Folds a grid search's events, in id order, into what a board shows: per experiment its row (job and
 * progress fields, merged as MLboard's socket worker merges them) and last config, and per series typed
 * columns of (epoch, value), one value per epoch (a repeated epoch takes the later value). Adaptive
 * search events, and the last few events it cannot read, are passed on as stored lines.
 */
export class SnapshotFold {
  private next = 0;
  private readonly order: number[] = [];
  private readonly seen = new Set<number>();
  private readonly rows = new Map<number, Row>();
  private readonly configs = new Map<number, Record<string, unknown>>();
  private readonly series = new Map<string, Series>();
  private readonly bySplit = new Map<string, Map<string, Series>>();
  /** Experiments whose last job status is DONE (a later interruption report of theirs is stale). */
  private readonly finished = new Set<number>();
  private passthrough: Array<{ eventId: number; line: string }> = [];
  private problems: Array<{ eventId: number; line: string; kind: 'unknown' | 'malformed' }> = [];
  private unknown = 0;
  private malformed = 0;
  private missingScores = 0;
  private missingExample: string | null = null;
  /** Points held, for memory figures. */
  points = 0;

  constructor(readonly gridSearchId: string) {}

  /** A fold that goes on from a snapshot it made (read back from where it was kept). */
  static restore(s: GridSearchSnapshot): SnapshotFold {
    const fold = new SnapshotFold(s.gridSearchId);
    fold.next = s.nextEventId;
    for (const id of s.experiments) {
      fold.seen.add(id);
      fold.order.push(id);
    }
    for (const r of s.rows) {
      fold.rows.set(r.experiment_id, { ...r });
      if (r['job_status'] === 'DONE') fold.finished.add(r.experiment_id);
    }
    for (const { experiment_id, config } of s.configs) fold.configs.set(experiment_id, config);
    for (const { key, split, tag, kind, columns } of s.series) {
      const series: Series = { split, tag, kind, columns: new Map() };
      for (const c of columns) {
        series.columns.set(c.experimentId, SeriesColumn.of(c.epochs, c.values));
        fold.points += c.values.length;
      }
      fold.series.set(key, series);
    }
    // the lines passed on: an adaptive search's events, and the last ones it could not read
    for (const p of s.passthrough) {
      const read = readLine(p.line);
      if ('event' in read) fold.passthrough.push(p);
      else fold.problems.push({ ...p, kind: read.problem });
    }
    fold.unknown = s.unknown;
    fold.malformed = s.malformed;
    fold.missingScores = s.missingScores;
    fold.missingExample = s.missingExample;
    return fold;
  }

  /** The id the next event must have. */
  get nextEventId(): number {
    return this.next;
  }

  /** Folds a stored line (the log's text), read against the protocol. */
  foldLine(eventId: number, line: string): void {
    this.expect(eventId);
    const read = readLine(line);
    if ('event' in read) this.apply(eventId, read.event, () => line);
    else this.problem(eventId, line, read.problem);
  }

  /** Folds an event the endpoint validated when it was published (`line`: its stored text, made when needed). */
  foldEvent(eventId: number, event: MlgymEvent, line: () => string): void {
    this.expect(eventId);
    this.apply(eventId, event, line);
  }

  private expect(eventId: number): void {
    if (eventId !== this.next)
      throw new Error(`snapshot of ${this.gridSearchId}: event ${eventId} after ${this.next - 1}`);
    this.next++;
  }

  private problem(eventId: number, line: string, kind: 'unknown' | 'malformed'): void {
    this.problems.push({ eventId, line, kind });
    if (this.problems.length > PROBLEMS_PASSED_ON) {
      const dropped = this.problems.shift() as { kind: 'unknown' | 'malformed' };
      this[dropped.kind]++;
    }
  }

  private row(id: number): Row {
    let r = this.rows.get(id);
    if (!r) this.rows.set(id, (r = { experiment_id: id }));
    return r;
  }

  private apply(eventId: number, event: MlgymEvent, line: () => string): void {
    // Folded by the board itself: an adaptive search's plan and decisions, tags and notes, system metrics.
    if (
      event.event_type === 'search_plan' ||
      event.event_type === 'search_decision' ||
      event.event_type === 'annotation' ||
      event.event_type === 'system_metrics'
    ) {
      this.passthrough.push({ eventId, line: line() });
      return;
    }
    const id = event.payload.experiment_id;
    if (!this.seen.has(id)) {
      this.seen.add(id);
      this.order.push(id);
    }
    switch (event.event_type) {
      case 'job_status': {
        const p = event.payload;
        const r = this.row(id);
        const keepTimes = p.status === 'DONE' && p.starting_time < 0 && p.finishing_time < 0;
        if (p.status === 'DONE') this.finished.add(id);
        else this.finished.delete(id);
        Object.assign(r, {
          job_id: p.job_id,
          job_type: p.job_type,
          job_status: p.status,
          ...(keepTimes ? {} : { starting_time: p.starting_time, finishing_time: p.finishing_time }),
          error: p.error,
          stacktrace: p.stacktrace,
        });
        return;
      }
      case 'experiment_status': {
        const p = event.payload;
        Object.assign(this.row(id), {
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
      case 'experiment_config':
        this.row(id);
        this.configs.set(id, event.payload.config);
        return;
      case 'job_interrupted': {
        if (this.finished.has(id)) return;
        const r = this.row(id);
        r['job_status'] = 'INTERRUPTED';
        r['interrupted_epoch'] = event.payload.epoch;
        return;
      }
      case 'evaluation_result': {
        const p = event.payload;
        this.row(id);
        for (const m of p.metric_scores)
          this.score(id, p.epoch, { split: m.split, tag: m.metric, kind: 'metric' }, m.score);
        for (const l of p.loss_scores) this.score(id, p.epoch, { split: l.split, tag: l.loss, kind: 'loss' }, l.score);
      }
    }
  }

  private score(
    id: number,
    epoch: number,
    name: { split: string; tag: string; kind: 'metric' | 'loss' },
    score: unknown,
  ): void {
    const value = scoreValue(score);
    if (value === undefined) return;
    // (split, tag) → its series through nested maps: a point costs no key string
    let byTag = this.bySplit.get(name.split);
    if (!byTag) this.bySplit.set(name.split, (byTag = new Map()));
    let series = byTag.get(name.tag);
    if (!series) {
      const key = `${name.split}_${name.tag}`;
      series = this.series.get(key);
      if (!series) this.series.set(key, (series = { ...name, columns: new Map() }));
      byTag.set(name.tag, series);
    }
    let column = series.columns.get(id);
    if (!column) series.columns.set(id, (column = new SeriesColumn()));
    if (column.put(epoch, value)) this.points++;
    if (Number.isNaN(value)) {
      this.missingScores++;
      this.missingExample ??= `${name.split}_${name.tag} of experiment ${id} at epoch ${epoch}`;
    }
  }

  /** What it holds now, as a snapshot (the columns are copies: folding goes on). */
  snapshot(): GridSearchSnapshot {
    return {
      gridSearchId: this.gridSearchId,
      nextEventId: this.next,
      experiments: [...this.order],
      rows: this.order.flatMap((id) => {
        const r = this.rows.get(id);
        return r ? [{ ...r }] : [];
      }),
      configs: [...this.configs].map(([experiment_id, config]) => ({ experiment_id, config })),
      series: [...this.series].map(([key, s]) => ({
        key,
        split: s.split,
        tag: s.tag,
        kind: s.kind,
        columns: [...s.columns].map(([experimentId, c]) => ({ experimentId, ...c.copy() })),
      })),
      passthrough: [...this.passthrough, ...this.problems.map(({ eventId, line }) => ({ eventId, line }))].sort(
        (a, b) => a.eventId - b.eventId,
      ),
      unknown: this.unknown,
      malformed: this.malformed,
      missingScores: this.missingScores,
      missingExample: this.missingExample,
    };
  }
}
