import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSnapshot, encodeSnapshot } from '@mlgym/protocol';
import { SnapshotFold } from '../packages/ws-endpoint/src/snapshot/snapshotFold.js';
import { testStore } from '../packages/dashboard/src/test/fakes.js';
import { dataReceived } from '../packages/dashboard/src/connection/events/dataActions.js';
import { createEventFolder } from '../packages/dashboard/src/connection/events/eventFolder.js';
import type { DataUpdate } from '../packages/dashboard/src/connection/events/dataUpdate.js';
import { snapshotUpdates } from '../packages/dashboard/src/connection/worker/snapshotLoad.js';

/**
 * The board shows the same grid search whether it folds the whole log (as MLboard always did) or loads
 * the endpoint's snapshot of its first events and folds the rest: rows, configs, every point, the counts
 * of events, malformed and unknown ones and missing scores. Logs are drawn by fast-check from what runs
 * write (warm starts re-sending epochs, epochs out of order, null and per-class scores, interruptions,
 * an adaptive search's decisions) and what they should not (lines that are not JSON, unknown types,
 * events of the wrong shape); the snapshot's boundary falls anywhere.
 */

const GS = 'equivalence';
const ev = (event_type: string, payload: object) => JSON.stringify({ event_type, creation_ts: 1, payload });
const base = (id: number) => ({ grid_search_id: GS, experiment_id: id });

const experiment = fc.integer({ min: 0, max: 4 });
const epoch = fc.integer({ min: 0, max: 6 });
const score = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null), fc.constant([0.1, 0.2]));
const line = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ id: experiment, epoch, a: score, l: score }).map(({ id, epoch: e, a, l }) =>
      ev('evaluation_result', {
        ...base(id),
        epoch: e,
        metric_scores: [{ metric: 'accuracy', split: 'val', score: a }],
        loss_scores: [{ loss: 'ce', split: 'train', score: l }],
      }),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({ id: experiment, epoch }).map(({ id, epoch: e }) =>
      ev('experiment_status', {
        ...base(id),
        status: 'train',
        num_epochs: 6,
        current_epoch: e,
        splits: ['train', 'val'],
        current_split: 'val',
        num_batches: 3,
        current_batch: e % 3,
      }),
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ id: experiment, status: fc.constantFrom('INIT', 'RUNNING', 'DONE'), warm: fc.boolean() })
      .map(({ id, status, warm }) =>
        ev('job_status', {
          ...base(id),
          job_id: id,
          job_type: 1,
          status,
          starting_time: warm ? -1 : 100 + id,
          finishing_time: warm ? -1 : status === 'DONE' ? 200 : -1,
          error: null,
          stacktrace: null,
        }),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ id: experiment, lr: fc.double({ min: 0, max: 1, noNaN: true }) })
      .map(({ id, lr }) => ev('experiment_config', { ...base(id), job_id: id, config: { optimizer: { lr } } })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ id: experiment, epoch })
      .map(({ id, epoch: e }) =>
        ev('job_interrupted', { ...base(id), job_id: id, epoch: e - 1, reason: 'lost worker', time: 5 }),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.record({ id: experiment, seq: fc.nat(9) }).map(({ id, seq }) =>
      ev('search_decision', {
        grid_search_id: GS,
        seq,
        trial_id: id,
        experiment_ids: [id],
        decision: 'promoted',
        bracket: 0,
        rung: 1,
        epoch: 2,
        next_epoch: 4,
        score: 0.5,
        cutoff: 0.4,
      }),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'not json',
      JSON.stringify({ event_type: 'weather', creation_ts: 1, payload: {} }),
      ev('evaluation_result', { ...base(1), epoch: -1, metric_scores: [], loss_scores: [] }),
    ),
  },
);

/** The page's state after these updates, in the order posted. */
function pageAfter(updates: DataUpdate[]) {
  const { store } = testStore();
  for (const u of updates) store.dispatch(dataReceived(u));
  const s = store.getState();
  return {
    rows: s.experiments.entities,
    configs: s.experiments.configs,
    series: Object.fromEntries(
      Object.entries(s.series.byKey).map(([k, v]) => [
        k,
        { ids: v.experimentIds, points: v.byExperiment, kind: v.kind },
      ]),
    ),
    counts: {
      lastEventId: s.connection.lastEventId,
      unknown: s.connection.unknownEvents,
      malformed: s.connection.malformedEvents,
      missingScores: s.connection.missingScores,
    },
    events: updates.reduce((n, u) => n + u.events, 0),
  };
}

/** MLboard as it was: every line folded, posted in takes (`every` lines each). */
function folded(lines: string[], every: number): DataUpdate[] {
  const folder = createEventFolder();
  const out: DataUpdate[] = [];
  lines.forEach((l, i) => {
    let data: unknown;
    try {
      data = JSON.parse(l);
    } catch {
      data = l;
    }
    folder.fold(i, data);
    if ((i + 1) % every === 0) out.push(folder.take());
  });
  if (folder.pending) out.push(folder.take());
  return out;
}

/** The snapshot of lines `0 … k - 1` as the endpoint keeps and serves it, then the rest folded as the worker does. */
function throughSnapshot(lines: string[], k: number, every: number): DataUpdate[] {
  const fold = new SnapshotFold(GS);
  lines.slice(0, k).forEach((l, i) => fold.foldLine(i, l));
  const snapshot = decodeSnapshot(encodeSnapshot(fold.snapshot()));
  const out = snapshotUpdates(snapshot, 2);
  const folder = createEventFolder();
  const parse = (l: string) => {
    try {
      return JSON.parse(l) as unknown;
    } catch {
      return l;
    }
  };
  for (const p of snapshot.passthrough) folder.fold(p.eventId, parse(p.line));
  folder.seed({
    experiments: snapshot.experiments,
    series: snapshot.series.map((s) => s.key),
    finished: snapshot.rows.filter((r) => r['job_status'] === 'DONE').map((r) => r.experiment_id),
    lastEventId: snapshot.nextEventId - 1,
  });
  lines.slice(k).forEach((l, i) => {
    folder.fold(k + i, parse(l));
    if ((i + 1) % every === 0) out.push(folder.take());
  });
  if (folder.pending) out.push(folder.take());
  return out;
}

describe('a snapshot and the log it was made of', () => {
  it('give the board the same grid search, wherever the snapshot ends', () => {
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 60 }),
        fc.nat(),
        fc.integer({ min: 1, max: 20 }),
        (lines, at, every) => {
          const k = at % (lines.length + 1);
          const expected = pageAfter(folded(lines, every));
          const got = pageAfter(throughSnapshot(lines, k, every));
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
