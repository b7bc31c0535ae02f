import { describe, expect, it } from 'vitest';
import type { SearchDecisionPayload, SearchPlanPayload } from '@mlgym/protocol';
import { createEventFolder } from '../../connection/events/eventFolder';
import { dataReceived, dataReset } from '../../connection/events/dataActions';
import { displayStatus } from '../experiments/experimentView';
import { searchLadder } from './searchLadder';
import { searchSlice, trialsAdapter } from './searchSlice';
import { searchStatus } from './searchStatus';

const gs = '2024-01-01--00-00-00';
const plan: SearchPlanPayload = {
  grid_search_id: gs,
  algorithm: 'successive_halving',
  metric: 'val/F1_SCORE_macro',
  mode: 'max',
  seed: 0,
  max_epochs: 3,
  num_trials: 3,
  folds: 1,
  brackets: [
    {
      bracket: 0,
      rungs: [
        { rung: 0, epochs: 1, trials: 3 },
        { rung: 1, epochs: 3, trials: 1 },
      ],
    },
  ],
  budget_epochs: 5,
  grid_epochs: 9,
};
let seq = 0;
const decision = (
  trial: number,
  kind: SearchDecisionPayload['decision'],
  fields: Partial<SearchDecisionPayload> = {},
): SearchDecisionPayload => ({
  grid_search_id: gs,
  seq: seq++,
  trial_id: trial,
  experiment_ids: [trial],
  decision: kind,
  bracket: 0,
  rung: 0,
  epoch: kind === 'started' ? 0 : 1,
  next_epoch: kind === 'started' ? 1 : kind === 'promoted' ? 3 : null,
  score: null,
  cutoff: null,
  ...fields,
});
const event = (event_type: string, payload: unknown) => ({ event_type, creation_ts: 1, payload });

/** The decisions of a 3-trial successive halving: trial 2 promoted and completed, 0 and 1 stopped. */
function history(): SearchDecisionPayload[] {
  seq = 0;
  return [
    decision(0, 'started'),
    decision(1, 'started'),
    decision(2, 'started'),
    decision(2, 'promoted', { score: 0.9, cutoff: 0.9 }),
    decision(1, 'stopped', { score: 0.81, cutoff: 0.9 }),
    decision(0, 'stopped', { score: Number.NaN as unknown as null, reason: 'its score is not a number' }),
    decision(2, 'completed', { rung: 1, epoch: 3, score: 0.95 }),
  ].map((d) => (Number.isNaN(d.score) ? { ...d, score: null } : d));
}

describe('the search slice', () => {
  it("folds a search's plan and decisions from the socket worker's updates into a ladder, once each", () => {
    const folder = createEventFolder();
    folder.fold(0, event('search_plan', plan));
    history().forEach((d, i) => folder.fold(i + 1, event('search_decision', d)));
    const update = folder.take();
    expect(update.search?.decisions).toHaveLength(7);
    expect(update.unknown + update.malformed).toBe(0);
    let state = searchSlice.reducer(undefined, dataReceived(update));
    // A reconnect replays the history: nothing is folded twice.
    state = searchSlice.reducer(state, dataReceived(update));
    expect(state.decisions).toBe(7);
    const trials = trialsAdapter.getSelectors().selectAll(state);
    expect(trials.map((t) => [t.trial_id, t.status])).toEqual([
      [0, 'stopped'],
      [1, 'stopped'],
      [2, 'completed'],
    ]);
    const [bracket] = searchLadder(state.plan, trials);
    expect(bracket?.rungs.map((r) => [r.epochs, r.reached, r.planned])).toEqual([
      [1, 3, 3],
      [3, 1, 1],
    ]);
    // Furthest first, then by score (NaN last).
    expect(bracket?.rows.map((r) => [r.trial.trial_id, r.cells.map((c) => c.state)])).toEqual([
      [2, ['promoted', 'completed']],
      [1, ['stopped', 'none']],
      [0, ['stopped', 'none']],
    ]);
    expect(searchSlice.reducer(state, dataReset()).decisions).toBe(0);
  });

  it("gives the table's status: stopped at the rung with its cut-off, promoted, interrupted with its epochs", () => {
    const folder = createEventFolder();
    folder.fold(
      0,
      event('job_status', {
        grid_search_id: gs,
        experiment_id: 1,
        job_id: `${gs}-1`,
        job_type: 1,
        status: 'DONE',
        starting_time: 1,
        finishing_time: 2,
        error: null,
        stacktrace: null,
      }),
    );
    history().forEach((d, i) => folder.fold(i + 1, event('search_decision', d)));
    const rows = new Map(folder.take().rows.map((r) => [r.experiment_id, r]));
    expect(displayStatus(rows.get(1)!)).toBe('stopped at epoch 1 (rung 0: 0.8100 < cut-off 0.9000)');
    expect(searchStatus(rows.get(0)!)).toBe('stopped at epoch 1 (rung 0: its score is not a number)');
    expect(
      searchStatus({ ...rows.get(2)!, search_decision: 'promoted', search_next_epoch: 3, job_status: 'DONE' }),
    ).toBe('PROMOTED to epoch 3');
    expect(searchStatus({ ...rows.get(2)!, job_status: 'RUNNING' })).toBeUndefined();

    const interrupted = createEventFolder();
    interrupted.fold(
      0,
      event('job_status', {
        grid_search_id: gs,
        experiment_id: 4,
        job_id: `${gs}-4`,
        job_type: 1,
        status: 'RUNNING',
        starting_time: 1,
        finishing_time: -1,
        error: null,
        stacktrace: null,
      }),
    );
    interrupted.fold(
      1,
      event('job_interrupted', {
        grid_search_id: gs,
        experiment_id: 4,
        job_id: `${gs}-4`,
        epoch: 2,
        reason: 'the run was stopped',
        time: 3,
      }),
    );
    const row = interrupted.take().rows[0]!;
    expect(displayStatus(row)).toBe('INTERRUPTED after 3 epochs');
    // A warm start runs it again.
    expect(displayStatus({ ...row, job_status: 'RUNNING' })).toBe('RUNNING');
  });
});
